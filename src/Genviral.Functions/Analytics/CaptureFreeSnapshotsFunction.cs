using Genviral.Core.Analytics;
using Genviral.Functions.Hosting;

namespace Genviral.Functions.Analytics;

/// <summary>
/// Timer function: queues the free daily snapshot of every target still due one today. The schedule is the app setting
/// CaptureFreeSnapshotsSchedule, which function.json reads as %CaptureFreeSnapshotsSchedule% and standalone mode reads here.
/// </summary>
internal sealed partial class CaptureFreeSnapshotsFunction(FreeSnapshotCapture capture, IConfiguration configuration, ILogger<CaptureFreeSnapshotsFunction> logger)
    : ITimerFunction
{
    public const string ScheduleSetting = "CaptureFreeSnapshotsSchedule";

    /// <summary>Every hour at minute 5: a target created during the day still gets its free snapshot that day.</summary>
    public const string DefaultSchedule = "0 5 * * * *";

    public string Name => "CaptureFreeSnapshots";

    public string Schedule => configuration[ScheduleSetting] is { Length: > 0 } s ? s : DefaultSchedule;

    public async Task RunAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        var queued = await capture.CaptureAsync(cancellationToken);
        LogQueued(logger, queued, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} free daily snapshots (past due: {IsPastDue})")]
    private static partial void LogQueued(ILogger logger, int count, bool isPastDue);
}
