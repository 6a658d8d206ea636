using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Webhooks;

/// <summary>A message of the webhook-delivery queue: make attempt <c>attempt</c> of the logged delivery <c>delivery</c>.</summary>
public sealed record WebhookDeliveryMessage(
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("delivery")] string Delivery,
    [property: JsonPropertyName("attempt")] int Attempt)
{
    /// <summary>Queues this attempt, invisible for <paramref name="delay"/> (the retry's backoff; zero for a first attempt).</summary>
    internal async Task SendAsync(StorageClients storage, TimeSpan delay, CancellationToken cancellationToken) =>
        await storage.Queue(StorageNames.WebhookDeliveryQueue).SendMessageAsync(
            JsonSerializer.Serialize(this, WebhookJson.Default.WebhookDeliveryMessage), visibilityTimeout: delay, cancellationToken: cancellationToken);
}

[JsonSerializable(typeof(WebhookDeliveryMessage))]
[JsonSerializable(typeof(List<OutboxEvent>))]
internal sealed partial class WebhookJson : JsonSerializerContext;

/// <summary>
/// Delivery of events, attempt by attempt (the outbox logs them and queues each first attempt). Every attempt is its own
/// queue message; a failed attempt sends the next one with the retry delay as its initial invisibility, before it
/// records the outcome, so a crash repeats an attempt (receivers dedupe by webhook-id) rather than ending the retries.
/// A message for an attempt that was already made, or for a delivery that is settled, changes nothing.
/// </summary>
public sealed partial class WebhookDeliveries(
    WebhookStore store, WebhookSender sender, WebhookUrlRules urls, StorageClients storage, IOptions<WebhookOptions> options, TimeProvider time,
    ILogger<WebhookDeliveries> logger)
{
    /// <summary>Renders an event's body (<c>{type, timestamp, data}</c>) from its logged snapshot; the API's wire shapes live in the app.</summary>
    public delegate Task<string> Renderer(Scope scope, WebhookEvent e, CancellationToken cancellationToken);

    /// <summary>Makes the attempt a queue message asks for, records how it went, and schedules the next one if any.</summary>
    public async Task DeliverAsync(WebhookDeliveryMessage message, Renderer render, CancellationToken cancellationToken)
    {
        if (!Scope.TryParsePartitionKey(message.Scope, out var scope)
            || await store.GetDeliveryAsync(scope, message.Delivery, cancellationToken) is not { } stored
            || stored.Delivery.State != DeliveryState.Pending
            || stored.Delivery.Attempts >= message.Attempt)
        {
            return;
        }

        var delivery = stored.Delivery;
        if ((await store.GetAsync(scope, delivery.WebhookId, cancellationToken))?.Webhook is not { } hook)
        {
            // Deleted: its log goes with it.
            return;
        }

        if (hook.Status == WebhookStatus.Disabled)
        {
            await store.RecordAsync(scope, stored, delivery with
            {
                State = DeliveryState.Failed, NextAttemptAt = null, LastError = "not sent: the webhook is disabled (" + hook.DisabledReason + ")",
            }, cancellationToken);
            return;
        }

        var result = await AttemptAsync(scope, hook, stored.Event, render, cancellationToken);
        var now = time.GetUtcNow();
        if (result.Delivered)
        {
            // The webhook first, as on the failure path: once the log says delivered, the webhook no longer shows the
            // failures before it, and a crash in between leaves the delivery pending (sent again) rather than a
            // failure count that no later attempt of this event would clear.
            if (hook.ConsecutiveFailures > 0 || hook.FailingSince is not null)
            {
                await store.ChangeAsync(scope, hook.Id, h => h.ConsecutiveFailures == 0 && h.FailingSince is null ? null : h with { ConsecutiveFailures = 0, FailingSince = null },
                    null, cancellationToken);
            }

            await store.RecordAsync(scope, stored, delivery with
            {
                State = DeliveryState.Delivered, Attempts = message.Attempt, LastStatusCode = result.StatusCode, LastError = null, NextAttemptAt = null, DeliveredAt = now,
            }, cancellationToken);
            return;
        }

        var write = await store.ChangeAsync(scope, hook.Id, h => h.Status == WebhookStatus.Disabled ? null : AfterFailure(h, result, now), null, cancellationToken);
        var disabled = write.Webhook?.Webhook is { Status: WebhookStatus.Disabled } off ? off : null;
        if (disabled is not null)
        {
            LogDisabled(logger, hook.Id, scope.PartitionKey, disabled.DisabledReason);
        }

        var delays = options.Value.RetryDelays();
        DateTimeOffset? next = null;
        if (disabled is null && message.Attempt <= delays.Count)
        {
            var delay = Jitter(delays[message.Attempt - 1]);
            next = now + delay;
            await (message with { Attempt = message.Attempt + 1 }).SendAsync(storage, delay, cancellationToken);
        }

        await store.RecordAsync(scope, stored, delivery with
        {
            State = next is null ? DeliveryState.Failed : DeliveryState.Pending,
            Attempts = message.Attempt,
            LastStatusCode = result.StatusCode,
            LastError = disabled is null ? result.Error : result.Error + "; webhook disabled",
            NextAttemptAt = next,
        }, cancellationToken);
    }

    /// <summary>Parses a queue message; null when it is not one of ours (retrying cannot fix that).</summary>
    public static WebhookDeliveryMessage? Parse(string body) =>
        QueueBody.Read(body, WebhookJson.Default.WebhookDeliveryMessage) is { Scope.Length: > 0, Delivery.Length: > 0, Attempt: > 0 } message ? message : null;

    /// <summary>
    /// The failure counted: 410 disables at once; so do <see cref="WebhookOptions.DisableAfterFailures"/> failed attempts
    /// in a row, or failures for <see cref="WebhookOptions.DisableAfterFailingFor"/> with no delivery in between.
    /// </summary>
    internal static Webhook AfterFailure(Webhook hook, AttemptResult result, DateTimeOffset now)
    {
        var failed = hook with { ConsecutiveFailures = hook.ConsecutiveFailures + 1, FailingSince = hook.FailingSince ?? now };
        if (result.Gone)
        {
            return failed.Disabled("the receiver answered 410 Gone", now);
        }

        if (failed.ConsecutiveFailures >= WebhookOptions.DisableAfterFailures)
        {
            return failed.Disabled($"{failed.ConsecutiveFailures} delivery attempts in a row failed (the last: {result.Error})", now);
        }

        return now - failed.FailingSince >= WebhookOptions.DisableAfterFailingFor
            ? failed.Disabled(string.Create(CultureInfo.InvariantCulture,
                $"deliveries have failed since {failed.FailingSince:yyyy-MM-dd'T'HH:mm:ss'Z'} without one getting through (the last: {result.Error})"), now)
            : failed;
    }

    private async Task<AttemptResult> AttemptAsync(Scope scope, Webhook hook, WebhookEvent e, Renderer render, CancellationToken cancellationToken)
    {
        // The URL passed these rules when it was set; checked again in case the allow-list changed since.
        if (urls.Check(hook.Url) is { } problem)
        {
            return new AttemptResult(null, "refused: " + problem);
        }

        var keys = await store.GetSigningKeysAsync(scope, hook.Id, cancellationToken);
        var body = await render(scope, e, cancellationToken);
        return await sender.SendAsync(new Uri(hook.Url), e.Id, body, keys, cancellationToken);
    }

    /// <summary>±20%, so receivers that failed together are not all retried in the same second.</summary>
    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + (0.4 * Random.Shared.NextDouble()));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} of {Scope} disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string webhookId, string scope, string? reason);
}
