using Genviral.Core.Analytics;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Analytics;

/// <summary>
/// Timer function: queues the free daily snapshot of every target still due one today. The default schedule (hourly
/// at minute 5) means a target created during the day still gets its free snapshot that day.
/// </summary>
internal sealed partial class CaptureFreeSnapshotsFunction(FreeSnapshotCapture capture, ILogger<CaptureFreeSnapshotsFunction> logger)
{
    [Function(nameof(CaptureFreeSnapshots))]
    public async Task CaptureFreeSnapshots([TimerTrigger("%CaptureFreeSnapshotsSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var queued = await capture.CaptureAsync(cancellationToken);
        LogQueued(logger, queued, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} free daily snapshots (past due: {IsPastDue})")]
    private static partial void LogQueued(ILogger logger, int count, bool isPastDue);
}
