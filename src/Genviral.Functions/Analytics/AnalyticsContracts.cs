using System.Text.Json.Serialization;
using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Core.Tenancy;

namespace Genviral.Functions.Analytics;

/// <summary>A target row; <c>target_id</c> is the older alias of <c>id</c>. Detail reads add <c>summary</c>.</summary>
internal sealed record TargetResponse(
    string Id,
    string TargetId,
    string UserId,
    string? WorkspaceId,
    string Platform,
    string Identifier,
    string NormalizedIdentifier,
    string? DisplayName,
    bool Favorite,
    RefreshPolicyResponse? RefreshPolicy,
    DateTimeOffset? LastRefreshedAt,
    LastRefreshResponse? LastRefresh,
    LatestSnapshotResponse? LatestSnapshot,
    bool FreeRefreshAvailable,
    DateTimeOffset CreatedAt,
    TargetMetadata Metadata,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TargetSummaryResponse? Summary = null);

internal sealed record RefreshPolicyResponse(
    [property: JsonPropertyName("freeDailyRefresh")] bool? FreeDailyRefresh,
    [property: JsonPropertyName("maxPosts")] int? MaxPosts);

internal sealed record LastRefreshResponse(string Id, string Status, DateTimeOffset? CompletedAt);

internal sealed record LatestSnapshotResponse(long Followers, long Views, long Likes, DateTimeOffset CapturedAt);

internal sealed record TargetMetadata(bool Favorite);

internal sealed record TargetListResponse(string? WorkspaceId, IReadOnlyList<TargetResponse> Targets);

internal sealed record CreateTargetResponse(TargetResponse Target, bool Created);

internal sealed record DeleteTargetResponse(string Id, bool Deleted);

/// <summary>followers, views and likes are the latest account snapshot; posts and the other counts cover the tracked posts published in the range.</summary>
internal sealed record TargetTotals(long Followers, long Views, long Likes, int Posts, long PostViews, long Comments, long Shares, long Saves, decimal EngagementRate);

internal sealed record TimelinePoint(string Date, long Followers, long Views, long Likes);

internal sealed record TargetRefreshState(LastRefreshResponse? LastRefresh, DateTimeOffset? LastRefreshedAt, bool FreeRefreshAvailable);

internal sealed record TargetSummaryResponse(
    TargetTotals Totals, IReadOnlyList<TimelinePoint> Timeline, IReadOnlyList<AnalyticsPostRow> TopPosts, TargetRefreshState Refresh);

internal sealed record RefreshResponse(
    string Id,
    string TargetId,
    string? WorkspaceId,
    string Status,
    bool FreeRefreshUsed,
    int CreditsUsed,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error);

internal sealed record RefreshQueuedResponse(RefreshResponse Refresh, [property: JsonPropertyName("wasFree")] bool WasFree);

internal sealed record PostMetrics(long Views, long Likes, long Comments, long Shares, long Saves);

/// <summary>An analytics post row, camelCase as in the public reference.</summary>
internal sealed record AnalyticsPostRow(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("analyticsId")] string AnalyticsId,
    [property: JsonPropertyName("targetId")] string TargetId,
    [property: JsonPropertyName("platformPostId")] string PlatformPostId,
    [property: JsonPropertyName("genviralPostId")] string? GenviralPostId,
    [property: JsonPropertyName("externalId")] string? ExternalId,
    [property: JsonPropertyName("publishedAt")] DateTimeOffset PublishedAt,
    [property: JsonPropertyName("caption")] string? Caption,
    [property: JsonPropertyName("permalink")] string? Permalink,
    [property: JsonPropertyName("thumbnailUrl")] string? ThumbnailUrl,
    [property: JsonPropertyName("durationSeconds")] double? DurationSeconds,
    [property: JsonPropertyName("metrics")] PostMetrics Metrics,
    [property: JsonPropertyName("engagementRate")] decimal EngagementRate,
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("accountIdentifier")] string AccountIdentifier,
    [property: JsonPropertyName("accountDisplayName")] string AccountDisplayName,
    [property: JsonPropertyName("accountAvatarUrl")] string? AccountAvatarUrl);

internal sealed record AnalyticsPostsResponse(
    [property: JsonPropertyName("posts")] IReadOnlyList<AnalyticsPostRow> Posts,
    [property: JsonPropertyName("totalCount")] int TotalCount,
    [property: JsonPropertyName("hasMore")] bool HasMore);

/// <summary>A KPI of the range, the same KPI of the period of equal length just before it, and delta = value − previous.</summary>
internal sealed record Kpi(
    [property: JsonPropertyName("value")] decimal Value,
    [property: JsonPropertyName("previous")] decimal Previous,
    [property: JsonPropertyName("delta")] decimal Delta);

internal sealed record SummaryKpis(
    [property: JsonPropertyName("publishedVideos")] Kpi PublishedVideos,
    [property: JsonPropertyName("activeAccounts")] Kpi ActiveAccounts,
    [property: JsonPropertyName("views")] Kpi Views,
    [property: JsonPropertyName("likes")] Kpi Likes,
    [property: JsonPropertyName("comments")] Kpi Comments,
    [property: JsonPropertyName("shares")] Kpi Shares,
    [property: JsonPropertyName("saves")] Kpi Saves,
    [property: JsonPropertyName("engagementRate")] Kpi EngagementRate);

internal sealed record InteractionPoint(
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("views")] long Views,
    [property: JsonPropertyName("likes")] long Likes,
    [property: JsonPropertyName("comments")] long Comments,
    [property: JsonPropertyName("shares")] long Shares,
    [property: JsonPropertyName("saves")] long Saves);

internal sealed record EngagementPoint(
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("engagementRate")] decimal EngagementRate);

internal sealed record HeatmapDay(
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("posts")] int Posts);

internal sealed record ContentMixItem(
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("posts")] int Posts,
    [property: JsonPropertyName("views")] long Views);

internal sealed record SummaryPeriod(
    [property: JsonPropertyName("start")] string? Start,
    [property: JsonPropertyName("end")] string End,
    [property: JsonPropertyName("previousStart")] string? PreviousStart,
    [property: JsonPropertyName("previousEnd")] string? PreviousEnd);

internal sealed record AnalyticsSummaryResponse(
    [property: JsonPropertyName("period")] SummaryPeriod Period,
    [property: JsonPropertyName("kpis")] SummaryKpis Kpis,
    [property: JsonPropertyName("interactionSeries")] IReadOnlyList<InteractionPoint> InteractionSeries,
    [property: JsonPropertyName("engagementSeries")] IReadOnlyList<EngagementPoint> EngagementSeries,
    [property: JsonPropertyName("postingHeatmap")] IReadOnlyList<HeatmapDay> PostingHeatmap,
    [property: JsonPropertyName("postingStreak")] int PostingStreak,
    [property: JsonPropertyName("contentMix")] IReadOnlyList<ContentMixItem> ContentMix);

internal static class AnalyticsContractMapping
{
    public static TargetResponse ToResponse(this AnalyticsTarget t, Scope scope, string today, TargetSummaryResponse? summary = null) => new(
        t.Id,
        t.Id,
        t.CreatedByUserId,
        scope.WorkspaceId,
        t.Platform.ToWire(),
        t.Identifier,
        t.NormalizedIdentifier,
        t.DisplayName,
        t.Favorite,
        t.Policy is { } p ? new RefreshPolicyResponse(p.FreeDailyRefresh, p.MaxPosts) : null,
        t.LastRefreshedAt,
        t.LastRefresh.ToResponse(),
        t.LatestSnapshot is { } s ? new LatestSnapshotResponse(s.Followers, s.Views, s.Likes, s.CapturedAt) : null,
        t.FreeRefreshAvailable(today),
        t.CreatedAt,
        new TargetMetadata(t.Favorite),
        summary);

    public static LastRefreshResponse? ToResponse(this RefreshSummary? r) => r is null ? null : new(r.Id, r.Status.ToWire(), r.CompletedAt);

    public static RefreshResponse ToResponse(this AnalyticsRefresh r, Scope scope) =>
        new(r.Id, r.TargetId, scope.WorkspaceId, r.Status.ToWire(), r.FreeRefreshUsed, r.CreditsUsed, r.StartedAt, r.CompletedAt, r.Error);

    public static AnalyticsSummaryResponse ToResponse(this AnalyticsSummary s)
    {
        var (w, k) = (s.Window, s.Kpis);
        var period = new SummaryPeriod(Day(w.Start), AnalyticsKeys.Day(w.End), Day(w.PreviousStart), Day(w.PreviousEnd));
        var kpis = new SummaryKpis(k.PublishedVideos.ToResponse(), k.ActiveAccounts.ToResponse(), k.Views.ToResponse(), k.Likes.ToResponse(),
            k.Comments.ToResponse(), k.Shares.ToResponse(), k.Saves.ToResponse(), k.EngagementRate.ToResponse());
        return new AnalyticsSummaryResponse(
            period,
            kpis,
            [.. s.Days.Select(d => new InteractionPoint(AnalyticsKeys.Day(d.Day), d.Views, d.Likes, d.Comments, d.Shares, d.Saves))],
            [.. s.Days.Select(d => new EngagementPoint(AnalyticsKeys.Day(d.Day), d.EngagementRate))],
            [.. s.Days.Select(d => new HeatmapDay(AnalyticsKeys.Day(d.Day), d.Posts))],
            s.PostingStreak,
            [.. s.ContentMix.Select(m => new ContentMixItem(m.Platform.ToWire(), m.Posts, m.Views))]);
    }

    public static AnalyticsPostsResponse ToResponse(this TrackedPostsPage page) => new([.. page.Posts.Select(ToRow)], page.TotalCount, page.HasMore);

    public static TargetSummaryResponse ToResponse(this TargetSummary s)
    {
        var t = s.Totals;
        return new TargetSummaryResponse(
            new TargetTotals(t.Followers, t.Views, t.Likes, t.Posts, t.PostViews, t.Comments, t.Shares, t.Saves, t.EngagementRate),
            [.. s.Timeline.Select(d => new TimelinePoint(d.Day, d.Snapshot.Followers, d.Snapshot.Views, d.Snapshot.Likes))],
            [.. s.TopPosts.Select(ToRow)],
            new TargetRefreshState(s.Target.LastRefresh.ToResponse(), s.Target.LastRefreshedAt, s.FreeRefreshAvailable));
    }

    private static AnalyticsPostRow ToRow(TrackedPost row)
    {
        var (p, target, link) = (row.Snapshot, row.Target, row.Link);
        return new AnalyticsPostRow(row.Id, row.Id, p.TargetId, p.PlatformPostId, link?.GenviralPostId, link?.ExternalId, p.PublishedAt, p.Caption, p.Permalink,
            p.ThumbnailUrl, p.DurationSeconds, new PostMetrics(p.Views, p.Likes, p.Comments, p.Shares, p.Saves), p.EngagementRate, p.Platform.ToWire(),
            "@" + target.NormalizedIdentifier, target.DisplayName ?? target.Identifier, target.AvatarUrl);
    }

    private static Kpi ToResponse(this KpiChange k) => new(k.Value, k.Previous, k.Delta);

    private static string? Day(DateOnly? day) => day is { } d ? AnalyticsKeys.Day(d) : null;
}
