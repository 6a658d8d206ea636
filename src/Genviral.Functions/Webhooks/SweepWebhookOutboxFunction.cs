using Genviral.Core.Webhooks;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Webhooks;

/// <summary>
/// Timer function: hands over the webhook events of changes whose writer stopped between its commit and the hand-over
/// (<see cref="WebhookOutbox.SweepAsync"/>). Each run reads only the oldest open hints, a bounded number; a run that
/// was missed leaves them for the next.
/// </summary>
internal sealed partial class SweepWebhookOutboxFunction(WebhookOutbox outbox, ILogger<SweepWebhookOutboxFunction> logger)
{
    [Function(nameof(SweepWebhookOutbox))]
    public async Task SweepWebhookOutbox([TimerTrigger("%SweepWebhookOutboxSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var hints = await outbox.SweepAsync(cancellationToken);
        if (hints > 0)
        {
            LogSwept(logger, hints, timer.IsPastDue);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SweepWebhookOutbox (past due: {IsPastDue}) took on {Hints} outbox hints")]
    private static partial void LogSwept(ILogger logger, int hints, bool isPastDue);
}
