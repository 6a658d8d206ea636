using Genviral.Core.Storage;
using Genviral.Core.Webhooks;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Webhooks;

/// <summary>
/// Queue function over webhook-delivery: one attempt of one event to one webhook (<see cref="WebhookDeliveries"/>). A
/// failed attempt is not a failed invocation: the retry is a new message, sent with the backoff as its delay. Only
/// storage trouble throws, and the queue then tries the same attempt again.
/// </summary>
internal sealed partial class DeliverWebhookFunction(WebhookDeliveries deliveries, WebhookPayloads payloads, ILogger<DeliverWebhookFunction> logger)
{
    [Function(nameof(DeliverWebhook))]
    public async Task DeliverWebhook([QueueTrigger(StorageNames.WebhookDeliveryQueue)] string message, string id, CancellationToken cancellationToken)
    {
        if (WebhookDeliveries.Parse(message) is not { } work)
        {
            // Retrying cannot fix a message that does not parse.
            LogMalformed(logger, id);
            return;
        }

        await deliveries.DeliverAsync(work, payloads.RenderAsync, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed webhook-delivery message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string? messageId);
}
