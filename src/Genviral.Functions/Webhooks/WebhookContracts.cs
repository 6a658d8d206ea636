using System.Text.Json.Serialization;
using Genviral.Core.Accounts;
using Genviral.Core.Webhooks;

namespace Genviral.Functions.Webhooks;

/// <summary>
/// A webhook as the API shows it. <c>secret</c> appears only in the answers of create and rotate-secret, and
/// <c>previous_secret_expires_at</c> only in rotate-secret's; no other answer (and no listing) carries a secret.
/// </summary>
internal sealed record WebhookResponse(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    string? Description,
    string Status,
    string? DisabledReason,
    DateTimeOffset? DisabledAt,
    int ConsecutiveFailures,
    DateTimeOffset? FailingSince,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PreviousSecretExpiresAt = null);

internal sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Webhooks);

internal sealed record DeleteWebhookResponse(string Id, bool Deleted);

/// <summary>One event for one webhook: where its delivery stands.</summary>
internal sealed record DeliveryResponse(
    string EventId,
    string Type,
    string Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset OccurredAt,
    DateTimeOffset CreatedAt);

internal sealed record DeliveryListResponse(IReadOnlyList<DeliveryResponse> Deliveries, string? NextCursor);

/// <summary>The create body, for the OpenAPI document (the function reads the JSON itself, to tell absent from null).</summary>
internal sealed record CreateWebhookRequest(string Url, IReadOnlyList<string> Events, string? Description);

/// <summary>The patch body, for the OpenAPI document: any subset of the fields, at least one.</summary>
internal sealed record UpdateWebhookRequest(string? Url, IReadOnlyList<string>? Events, string? Description, string? Status);

/// <summary>
/// The body of every event: its type, when it happened, and <c>data</c>, the object as the API returns it
/// (GET /posts/{id}, GET /analytics/refreshes/{id}, or GET /webhooks/{id} for webhook.test). post.account.* events
/// add <c>account_id</c>, the account whose state reached its end.
/// </summary>
internal sealed record WebhookEventBody<T>(
    string Type,
    DateTimeOffset Timestamp,
    T Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccountId = null);

internal static class WebhookContractExtensions
{
    public static WebhookResponse ToResponse(this Webhook w, string? secret = null, DateTimeOffset? previousSecretExpiresAt = null) => new(
        w.Id, w.Url, w.Events, w.Description, w.Status.ToWire(), w.DisabledReason, w.DisabledAt, w.ConsecutiveFailures, w.FailingSince,
        w.CreatedAt, w.UpdatedAt, secret, previousSecretExpiresAt);

    public static DeliveryResponse ToResponse(this WebhookDelivery d) => new(
        d.EventId, d.EventType, d.State.ToWire(), d.Attempts, d.LastStatusCode, d.LastError, d.NextAttemptAt, d.DeliveredAt,
        d.OccurredAt, d.CreatedAt);
}
