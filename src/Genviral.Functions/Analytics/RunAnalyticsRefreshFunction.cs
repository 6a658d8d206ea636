using Genviral.Core.Analytics;
using Genviral.Core.Storage;
using Genviral.Functions.Hosting;

namespace Genviral.Functions.Analytics;

/// <summary>Queue function: runs a queued refresh, or takes a target's free daily snapshot. Redelivery is harmless (see AnalyticsRefreshes).</summary>
internal sealed partial class RunAnalyticsRefreshFunction(AnalyticsRefreshes refreshes, ILogger<RunAnalyticsRefreshFunction> logger) : IQueueFunction
{
    public string Name => "RunAnalyticsRefresh";

    public string Queue => StorageNames.AnalyticsRefreshQueue;

    public async Task RunAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var work = AnalyticsWork.Parse(message.Body);
        if (work is null)
        {
            // Retrying cannot fix a message that does not parse; drop it instead of filling the poison queue.
            LogMalformed(logger, message.Id);
            return;
        }

        try
        {
            await refreshes.RunAsync(work, message.IsLastAttempt, cancellationToken);
        }
        catch (Exception e) when (message.IsLastAttempt && work.RefreshId is not null && e is not OperationCanceledException)
        {
            // The message is about to go to the poison queue: the refresh must not stay pending forever, and its credit goes back.
            LogGaveUp(logger, e, work.RefreshId);
            if (AnalyticsKeys.TryParseScope(work.Scope, out var scope))
            {
                await refreshes.FailAsync(scope, work.RefreshId, "The refresh could not be completed", cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed analytics-refresh message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string? messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refresh {RefreshId} failed on its last attempt")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string refreshId);
}
