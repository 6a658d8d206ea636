using Genviral.Core.Analytics;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Analytics;

/// <summary>
/// Queue function: runs a queued refresh, or takes a target's free daily snapshot. Redelivery is harmless (see
/// AnalyticsRefreshes): a copy of a message whose refresh another delivery is running throws RetryLaterException and
/// comes back later.
/// </summary>
internal sealed partial class RunAnalyticsRefreshFunction(AnalyticsRefreshes refreshes, IOptions<QueueOptions> queues, ILogger<RunAnalyticsRefreshFunction> logger)
{
    [Function(nameof(RunAnalyticsRefresh))]
    public async Task RunAnalyticsRefresh(
        [QueueTrigger(StorageNames.AnalyticsRefreshQueue)] string message, long dequeueCount, string id, DateTimeOffset insertionTime, CancellationToken cancellationToken)
    {
        var work = AnalyticsWork.Parse(message);
        if (work is null)
        {
            // Retrying cannot fix a message that does not parse; drop it instead of filling the poison queue.
            LogMalformed(logger, id);
            return;
        }

        var lastAttempt = queues.Value.IsLastAttempt(dequeueCount);
        try
        {
            await refreshes.RunAsync(work, new QueueDelivery(id, insertionTime, lastAttempt), cancellationToken);
        }
        catch (Exception e) when (lastAttempt && work.RefreshId is not null && e is not OperationCanceledException)
        {
            // The message is about to go to the poison queue: the refresh must not stay pending forever, and its credit goes back.
            LogGaveUp(logger, e, work.RefreshId);
            if (Scope.TryParsePartitionKey(work.Scope, out var scope))
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
