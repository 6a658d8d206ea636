namespace Genviral.Core.Webhooks;

public enum WebhookStatus
{
    Active,
    Disabled,
}

/// <summary>
/// A partner's receiver of events. The signing secret is not part of it: it lives in a row of its own that listings
/// never read (<see cref="WebhookStore.GetSigningKeysAsync"/>).
/// </summary>
/// <param name="Events">The subscribed event types, or the single entry <c>*</c> for every type, present and future.</param>
/// <param name="DisabledReason">Why the webhook stopped receiving events: the partner, an operator, a 410 answer, or too many failures.</param>
/// <param name="ConsecutiveFailures">Failed delivery attempts since the last delivered one.</param>
/// <param name="FailingSince">The first failed attempt of the current run of failures; null while deliveries succeed.</param>
public sealed record Webhook(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    string? Description,
    WebhookStatus Status,
    string? DisabledReason,
    DateTimeOffset? DisabledAt,
    int ConsecutiveFailures,
    DateTimeOffset? FailingSince,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsSubscribedTo(string eventType) => WebhookEvents.Matches(Events, eventType);

    /// <summary>The webhook switched off with <paramref name="reason"/>; the failure bookkeeping stays as it was, to show why.</summary>
    public Webhook Disabled(string reason, DateTimeOffset now) =>
        this with { Status = WebhookStatus.Disabled, DisabledReason = reason, DisabledAt = now, UpdatedAt = now };

    /// <summary>The webhook receiving events again, with a clean failure record.</summary>
    public Webhook Enabled(DateTimeOffset now) =>
        this with { Status = WebhookStatus.Active, DisabledReason = null, DisabledAt = null, ConsecutiveFailures = 0, FailingSince = null, UpdatedAt = now };
}

/// <summary>The event types a webhook can subscribe to. <c>*</c> means every type, including types added later.</summary>
public static class WebhookEvents
{
    public const string All = "*";
    public const string PostPublished = "post.published";
    public const string PostPartial = "post.partial";
    public const string PostFailed = "post.failed";
    public const string PostAccountPublished = "post.account.published";
    public const string PostAccountFailed = "post.account.failed";
    public const string MediaFailed = "media.failed";
    public const string AnalyticsRefreshCompleted = "analytics.refresh.completed";
    public const string AnalyticsRefreshFailed = "analytics.refresh.failed";
    public const string WebhookTest = "webhook.test";

    public static IReadOnlyList<string> Types { get; } =
    [
        PostPublished, PostPartial, PostFailed, PostAccountPublished, PostAccountFailed, MediaFailed,
        AnalyticsRefreshCompleted, AnalyticsRefreshFailed, WebhookTest,
    ];

    public static bool IsKnown(string type) => Types.Contains(type, StringComparer.Ordinal);

    public static bool Matches(IReadOnlyList<string> subscribed, string type) =>
        subscribed.Contains(All, StringComparer.Ordinal) || subscribed.Contains(type, StringComparer.Ordinal);
}
