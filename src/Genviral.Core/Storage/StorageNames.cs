namespace Genviral.Core.Storage;

/// <summary>
/// Every table, queue and container the app uses, unprefixed. Bicep, the queue trigger attributes and
/// local.settings.sample.json are checked against this list by the contract tests.
/// </summary>
public static class StorageNames
{
    public const string ApiKeysTable = "apikeys";
    public const string TenantsTable = "tenants";
    public const string AccountsTable = "accounts";
    public const string AccountCredentialsTable = "accountcredentials";
    public const string PostsTable = "posts";

    /// <summary>The publisher's due-time index: partition = the minute a post becomes due, across all scopes.</summary>
    public const string ScheduleTable = "schedule";

    /// <summary>Analytics targets, refreshes, snapshots and post stats, one partition per scope.</summary>
    public const string AnalyticsTable = "analytics";

    /// <summary>The daily free-snapshot index: partition = UTC day, across all scopes.</summary>
    public const string AnalyticsDaysTable = "analyticsdays";

    /// <summary>Platform post id → Genviral post, written by publishing, read by analytics.</summary>
    public const string PlatformPostsTable = "platformposts";

    /// <summary>Webhooks, their signing secrets and delivery logs, one partition per scope.</summary>
    public const string WebhooksTable = "webhooks";

    /// <summary>Hints of webhook outbox rows not yet handed over: partition = the minute they were written, across all scopes.</summary>
    public const string WebhookOutboxTable = "webhookoutbox";

    /// <summary>Re-hosted files by content: partition = scope, row = SHA-256, naming the blob that holds those bytes.</summary>
    public const string MediaIndexTable = "mediaindex";

    public const string KeyUsageQueue = "key-usage";
    public const string MediaRehostQueue = "media-rehost";
    public const string AnalyticsRefreshQueue = "analytics-refresh";

    /// <summary>One message per delivery attempt of one event to one webhook; retries are new messages sent with a visibility delay.</summary>
    public const string WebhookDeliveryQueue = "webhook-delivery";

    /// <summary>Posts that became due with their media ready: published at once instead of on the next tick.</summary>
    public const string PublishNowQueue = "publish-now";

    /// <summary>Blob leases that make a standalone timer run on one instance only.</summary>
    public const string LocksContainer = "locks";

    /// <summary>Re-hosted media, private: <c>{scope}/{id}.{ext}</c> (deduplicated through <see cref="MediaIndexTable"/>), handed out as read-only SAS URLs.</summary>
    public const string MediaContainer = "media";

    public static IReadOnlyList<string> Tables { get; } = [ApiKeysTable, TenantsTable, AccountsTable, AccountCredentialsTable, PostsTable, ScheduleTable,
        AnalyticsTable, AnalyticsDaysTable, PlatformPostsTable, WebhooksTable, WebhookOutboxTable, MediaIndexTable];

    public static IReadOnlyList<string> Queues { get; } = [KeyUsageQueue, MediaRehostQueue, AnalyticsRefreshQueue, WebhookDeliveryQueue, PublishNowQueue];

    public static IReadOnlyList<string> Containers { get; } = [LocksContainer, MediaContainer];

    /// <summary>The queue the Functions host (and the standalone consumer) moves a message to after its last failed attempt.</summary>
    public static string PoisonQueue(string queue) => queue + "-poison";
}
