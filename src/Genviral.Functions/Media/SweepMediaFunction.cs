using Genviral.Core.Media;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Media;

/// <summary>
/// Timer function: removes media blobs that no post uses any more, and staging blobs a crash left behind
/// (<see cref="MediaSweeper"/>). Hourly by default; a missed or repeated run only delays or repeats the same safe pass.
/// </summary>
internal sealed partial class SweepMediaFunction(MediaSweeper sweeper, ILogger<SweepMediaFunction> logger)
{
    [Function(nameof(SweepMedia))]
    public async Task SweepMedia([TimerTrigger("%SweepMediaSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await sweeper.SweepAsync(cancellationToken);
        LogSwept(logger, result.Blobs, result.Removed, result.StagingRemoved, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SweepMedia (past due: {IsPastDue}) looked at {Blobs} blobs, removed {Removed} unused and {Staging} left-over staging blobs")]
    private static partial void LogSwept(ILogger logger, int blobs, int removed, int staging, bool isPastDue);
}
