using System.Text.Json;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Genviral.Functions.Api;

namespace Genviral.Functions.Webhooks;

/// <summary>
/// An event's body, <c>{type, timestamp, data}</c>, with <c>data</c> rendered from the event's snapshot by the same
/// mapping and serializer settings as the API's own answer for that object, so the two cannot differ.
/// </summary>
internal static class WebhookPayloads
{
    public static Task<string> RenderAsync(Scope scope, WebhookEvent e, CancellationToken cancellationToken) => e.Subject switch
    {
        WebhookSubject.Webhook => Task.FromResult(JsonSerializer.Serialize(
            new WebhookEventBody<WebhookResponse>(e.Type, e.OccurredAt, WebhookEntity.ToWebhook(e.Data).ToResponse()),
            ApiJsonContext.Default.WebhookEventBodyWebhookResponse)),
        _ => throw new InvalidOperationException($"No rendering for {e.Subject} events (scope {scope}, event {e.Id})."),
    };
}
