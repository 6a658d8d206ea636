using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Genviral.Core.Accounts;

namespace Genviral.Core.Analytics;

// Rows of the analytics table. The target row carries its last refresh and latest snapshot, so a list of
// targets is one range read with no per-row lookups.

internal sealed class TargetEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Id { get; set; } = "";
    public string Platform { get; set; } = "";
    public string Identifier { get; set; } = "";
    public string NormalizedIdentifier { get; set; } = "";
    public string? DisplayName { get; set; }
    public bool Favorite { get; set; }
    public bool HasPolicy { get; set; }
    public bool? FreeDailyRefresh { get; set; }
    public int? MaxPosts { get; set; }
    public string CreatedByUserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastRefreshedAt { get; set; }
    public string? LastRefreshId { get; set; }
    public string? LastRefreshStatus { get; set; }
    public DateTimeOffset? LastRefreshCompletedAt { get; set; }

    /// <summary>The refresh that is pending or processing; a second one is refused while it is set.</summary>
    public string? ActiveRefreshId { get; set; }

    /// <summary>The UTC day (yyyy-MM-dd) whose free refresh was used.</summary>
    public string? FreeRefreshDay { get; set; }

    public long? SnapshotFollowers { get; set; }
    public long? SnapshotViews { get; set; }
    public long? SnapshotLikes { get; set; }
    public DateTimeOffset? SnapshotCapturedAt { get; set; }
    public string? AvatarUrl { get; set; }

    /// <summary>Unix milliseconds of the refresh calls of the last minute, comma-separated: the 429 window.</summary>
    public string RecentCalls { get; set; } = "";

    public List<DateTimeOffset> Calls() =>
        [.. RecentCalls.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(c, CultureInfo.InvariantCulture)))];

    public void SetCalls(IEnumerable<DateTimeOffset> calls) =>
        RecentCalls = string.Join(',', calls.Select(c => c.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));

    public AnalyticsTarget ToTarget() => new(
        Id,
        Enum.Parse<Platform>(Platform, ignoreCase: true),
        Identifier,
        NormalizedIdentifier,
        DisplayName,
        Favorite,
        HasPolicy ? new RefreshPolicy(FreeDailyRefresh, MaxPosts) : null,
        CreatedByUserId,
        CreatedAt,
        LastRefreshedAt,
        LastRefreshId is null ? null : new RefreshSummary(LastRefreshId, Enum.Parse<RefreshStatus>(LastRefreshStatus!, ignoreCase: true), LastRefreshCompletedAt),
        SnapshotCapturedAt is { } at ? new AccountSnapshot(SnapshotFollowers ?? 0, SnapshotViews ?? 0, SnapshotLikes ?? 0, at) : null,
        FreeRefreshDay,
        AvatarUrl);
}

/// <summary>Claims (platform, normalized identifier) in a scope; written in the same transaction as the target.</summary>
internal sealed class IdentityEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string TargetId { get; set; } = "";
}

internal sealed class RefreshEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Id { get; set; } = "";
    public string TargetId { get; set; } = "";
    public string Status { get; set; } = "";
    public bool FreeRefreshUsed { get; set; }
    public int CreditsUsed { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? Error { get; set; }

    /// <summary>The queue message running this refresh now, until <see cref="ProcessingUntil"/>: another copy of it waits.</summary>
    public string? ProcessingBy { get; set; }

    public DateTimeOffset? ProcessingUntil { get; set; }

    public RefreshStatus RefreshStatus => Enum.Parse<RefreshStatus>(Status, ignoreCase: true);

    public AnalyticsRefresh ToRefresh() => new(Id, TargetId, RefreshStatus, FreeRefreshUsed, CreditsUsed, StartedAt, CompletedAt, Error);

    /// <summary>The refresh as a webhook event's data (<see cref="FromEventData"/> reads it back when the event is sent).</summary>
    public TableEntity ToEventData() => new()
    {
        [nameof(Id)] = Id,
        [nameof(TargetId)] = TargetId,
        [nameof(Status)] = Status,
        [nameof(FreeRefreshUsed)] = FreeRefreshUsed,
        [nameof(CreditsUsed)] = CreditsUsed,
        [nameof(StartedAt)] = StartedAt,
        [nameof(CompletedAt)] = CompletedAt,
        [nameof(Error)] = Error,
    };

    public static AnalyticsRefresh FromEventData(TableEntity data) => new(
        data.GetString(nameof(Id)),
        data.GetString(nameof(TargetId)),
        Enum.Parse<RefreshStatus>(data.GetString(nameof(Status)), ignoreCase: true),
        data.GetBoolean(nameof(FreeRefreshUsed)) ?? false,
        data.GetInt32(nameof(CreditsUsed)) ?? 0,
        data.GetDateTimeOffset(nameof(StartedAt)) ?? default,
        data.GetDateTimeOffset(nameof(CompletedAt)),
        data.GetString(nameof(Error)));
}

internal sealed class SnapshotEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long Followers { get; set; }
    public long Views { get; set; }
    public long Likes { get; set; }
    public DateTimeOffset CapturedAt { get; set; }

    public AccountSnapshot ToSnapshot() => new(Followers, Views, Likes, CapturedAt);
}

internal sealed class PostStatsEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string TargetId { get; set; } = "";
    public string Platform { get; set; } = "";
    public string PlatformPostId { get; set; } = "";
    public DateTimeOffset PublishedAt { get; set; }
    public string? Caption { get; set; }
    public string? Permalink { get; set; }
    public string? ThumbnailUrl { get; set; }
    public double? DurationSeconds { get; set; }
    public long Views { get; set; }
    public long Likes { get; set; }
    public long Comments { get; set; }
    public long Shares { get; set; }
    public long Saves { get; set; }
    public DateTimeOffset CapturedAt { get; set; }

    public PostSnapshot ToPost() => new(TargetId, Enum.Parse<Platform>(Platform, ignoreCase: true), PlatformPostId, PublishedAt, Caption, Permalink,
        ThumbnailUrl, DurationSeconds, Views, Likes, Comments, Shares, Saves, CapturedAt);

    public static PostStatsEntity From(string partitionKey, PostSnapshot p) => new()
    {
        PartitionKey = partitionKey,
        RowKey = AnalyticsKeys.Post(p.TargetId, p.PublishedAt, p.PlatformPostId),
        TargetId = p.TargetId,
        Platform = p.Platform.ToWire(),
        PlatformPostId = p.PlatformPostId,
        PublishedAt = p.PublishedAt,
        Caption = p.Caption,
        Permalink = p.Permalink,
        ThumbnailUrl = p.ThumbnailUrl,
        DurationSeconds = p.DurationSeconds,
        Views = p.Views,
        Likes = p.Likes,
        Comments = p.Comments,
        Shares = p.Shares,
        Saves = p.Saves,
        CapturedAt = p.CapturedAt,
    };
}
