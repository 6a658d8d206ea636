using Genviral.Core.Accounts;

namespace Genviral.Core.Analytics;

/// <summary>A tracked platform handle. A separate id space from the posting accounts of /accounts.</summary>
public sealed record AnalyticsTarget(
    string Id,
    Platform Platform,
    string Identifier,
    string NormalizedIdentifier,
    string? DisplayName,
    bool Favorite,
    RefreshPolicy? Policy,
    string CreatedByUserId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastRefreshedAt,
    RefreshSummary? LastRefresh,
    AccountSnapshot? LatestSnapshot,
    string? FreeRefreshDay,
    string? AvatarUrl)
{
    /// <summary>Whether a refresh on <paramref name="day"/> would be free: the policy allows it and today's free one is unused.</summary>
    public bool FreeRefreshAvailable(string day) => Policy?.FreeDailyRefresh != false && FreeRefreshDay != day;

    public int MaxPosts => Math.Clamp(Policy?.MaxPosts ?? RefreshPolicy.DefaultMaxPosts, 1, RefreshPolicy.MaxMaxPosts);
}

/// <param name="FreeDailyRefresh">null = not set (free refreshes on).</param>
public sealed record RefreshPolicy(bool? FreeDailyRefresh, int? MaxPosts)
{
    public const int DefaultMaxPosts = 30;
    public const int MaxMaxPosts = 100;
}

/// <summary>A PATCH of a target: a field changes only when present, and null clears it. Policy keys merge into the current policy.</summary>
public sealed record TargetPatch(bool DisplayNamePresent, string? DisplayName, bool PolicyPresent, RefreshPolicy? Policy, bool? Favorite);

public sealed record RefreshSummary(string Id, RefreshStatus Status, DateTimeOffset? CompletedAt);

public enum RefreshStatus
{
    Pending,
    Processing,
    Completed,
    Failed,
}

public sealed record AnalyticsRefresh(
    string Id,
    string TargetId,
    RefreshStatus Status,
    bool FreeRefreshUsed,
    int CreditsUsed,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error);

/// <summary>Account statistics of a target as captured at one moment (the day's last capture is kept).</summary>
public sealed record AccountSnapshot(long Followers, long Views, long Likes, DateTimeOffset CapturedAt);

/// <summary>The latest statistics of one platform post of a target.</summary>
public sealed record PostSnapshot(
    string TargetId,
    Platform Platform,
    string PlatformPostId,
    DateTimeOffset PublishedAt,
    string? Caption,
    string? Permalink,
    string? ThumbnailUrl,
    double? DurationSeconds,
    long Views,
    long Likes,
    long Comments,
    long Shares,
    long Saves,
    DateTimeOffset CapturedAt)
{
    /// <summary>(likes + comments + shares) / views × 100, two decimals, 0 without views.</summary>
    public decimal EngagementRate => Engagement.Rate(Likes, Comments, Shares, Views);
}

public static class Engagement
{
    public static decimal Rate(long likes, long comments, long shares, long views) =>
        views <= 0 ? 0m : Math.Round((decimal)(likes + comments + shares) / views * 100m, 2, MidpointRounding.AwayFromZero);
}
