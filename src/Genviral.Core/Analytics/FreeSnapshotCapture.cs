namespace Genviral.Core.Analytics;

/// <summary>
/// The daily capture: carries yesterday's index rows into today, then queues one free-snapshot message per target of
/// today not queued yet. The consumer decides per target (deleted, opted out, already refreshed) and is idempotent per
/// target and day, so running the capture twice, or a crash between send and mark, never makes a second refresh.
/// </summary>
public sealed class FreeSnapshotCapture(DailySnapshotIndex index, AnalyticsWork work, TimeProvider time)
{
    public async Task<int> CaptureAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = AnalyticsKeys.Day(now);
        await index.CarryForwardAsync(AnalyticsKeys.Day(now.AddDays(-1)), today, cancellationToken);
        var pending = await index.PendingAsync(today, cancellationToken);
        foreach (var (scope, targetId) in pending)
        {
            await work.SendDailyAsync(scope, targetId, today, cancellationToken);
            await index.MarkEnqueuedAsync(today, scope, targetId, cancellationToken);
        }

        return pending.Count;
    }
}
