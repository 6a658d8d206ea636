using Genviral.Core.Accounts;
using Genviral.Core.Webhooks;

namespace Genviral.Admin.Webhooks;

/// <summary>A webhook as an operator sees it: never its secret.</summary>
internal sealed record WebhookOutput(
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
    DateTimeOffset UpdatedAt)
{
    public static WebhookOutput From(Webhook w) => new(
        w.Id, w.Url, w.Events, w.Description, w.Status.ToWire(), w.DisabledReason, w.DisabledAt, w.ConsecutiveFailures, w.FailingSince,
        w.CreatedAt, w.UpdatedAt);
}

internal sealed record WebhookListOutput(string Scope, string? WorkspaceId, string OwnerUserId, IReadOnlyList<WebhookOutput> Webhooks);
