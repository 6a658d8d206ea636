using Genviral.Core.Accounts;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Analytics;

/// <summary>A figure of the window beside the same figure of the period of equal length just before it.</summary>
internal sealed record KpiChange(decimal Value, decimal Previous)
{
    public decimal Delta => Value - Previous;
}

internal sealed record AnalyticsKpis(
    KpiChange PublishedVideos,
    KpiChange ActiveAccounts,
    KpiChange Views,
    KpiChange Likes,
    KpiChange Comments,
    KpiChange Shares,
    KpiChange Saves,
    KpiChange EngagementRate);

/// <summary>The posts published on one day and the sums of their latest figures.</summary>
internal sealed record DayActivity(DateOnly Day, int Posts, long Views, long Likes, long Comments, long Shares, long Saves)
{
    public decimal EngagementRate => Engagement.Rate(Likes, Comments, Shares, Views);
}

internal sealed record PlatformMix(Platform Platform, int Posts, long Views);

/// <param name="Days">Every day from the window's first (for range=all, the first post's) to its last, days without posts included.</param>
/// <param name="PostingStreak">Consecutive days with a post, counted back from the window's last day or the day before it.</param>
/// <param name="ContentMix">Per platform, most posts first.</param>
internal sealed record AnalyticsSummary(
    AnalyticsWindow Window, AnalyticsKpis Kpis, IReadOnlyList<DayActivity> Days, int PostingStreak, IReadOnlyList<PlatformMix> ContentMix);

/// <summary>A tracked post with its target and, when we published it, the Genviral post it is.</summary>
internal sealed record TrackedPost(PostSnapshot Snapshot, AnalyticsTarget Target, PlatformPostLink? Link)
{
    public string Id => AnalyticsKeys.PostRowId(Snapshot.TargetId, Snapshot.PlatformPostId);
}

internal sealed record TrackedPostsPage(IReadOnlyList<TrackedPost> Posts, int TotalCount, bool HasMore);

/// <summary>Followers, views and likes are the latest account snapshot; the rest cover the target's posts published in the window.</summary>
internal sealed record TargetFigures(
    long Followers, long Views, long Likes, int Posts, long PostViews, long Comments, long Shares, long Saves, decimal EngagementRate);

internal sealed record TargetSummary(
    AnalyticsTarget Target,
    TargetFigures Totals,
    IReadOnlyList<(string Day, AccountSnapshot Snapshot)> Timeline,
    IReadOnlyList<TrackedPost> TopPosts,
    bool FreeRefreshAvailable);

/// <summary>
/// Reads the tracked posts a summary needs (one row-key range per selected target, covering the window and the
/// previous period only) and computes the KPIs, series and rows. All figures come from the latest stats of the posts
/// published in the window.
/// </summary>
internal sealed class AnalyticsSummaries(AnalyticsStore store, PlatformPostMap postMap)
{
    private const int TopPosts = 5;

    public async Task<AnalyticsSummary> SummarizeAsync(Scope scope, SummaryFilter filter, CancellationToken cancellationToken)
    {
        var (_, posts) = await LoadAsync(scope, filter, withPrevious: true, cancellationToken);
        return Summarize(filter.Window, posts);
    }

    /// <summary>Sorts and pages the posts of the window, then matches only the page's rows to Genviral posts.</summary>
    public async Task<TrackedPostsPage> ListPostsAsync(Scope scope, SummaryFilter filter, SummaryPaging paging, CancellationToken cancellationToken)
    {
        var (targets, posts) = await LoadAsync(scope, filter, withPrevious: false, cancellationToken);
        Func<PostSnapshot, long> key = paging.SortBy switch
        {
            PostSort.Views => p => p.Views,
            PostSort.Likes => p => p.Likes,
            PostSort.Comments => p => p.Comments,
            PostSort.Shares => p => p.Shares,
            _ => p => p.PublishedAt.UtcTicks,
        };
        var ordered = paging.Descending
            ? posts.OrderByDescending(key).ThenByDescending(p => p.PublishedAt).ThenBy(p => p.PlatformPostId, StringComparer.Ordinal)
            : posts.OrderBy(key).ThenBy(p => p.PublishedAt).ThenBy(p => p.PlatformPostId, StringComparer.Ordinal);
        var page = ordered.Skip(paging.Offset).Take(paging.Limit).ToList();
        var byId = targets.ToDictionary(t => t.Id);
        var rows = await Task.WhenAll(page.Select(async p =>
            new TrackedPost(p, byId[p.TargetId], await postMap.FindAsync(scope, p.Platform, p.PlatformPostId, cancellationToken))));
        return new TrackedPostsPage(rows, posts.Count, paging.Offset + page.Count < posts.Count);
    }

    /// <summary>The target's totals, daily snapshots and top posts over the window; null when the scope has no such target.</summary>
    /// <param name="today">The UTC day (yyyy-MM-dd) that decides whether a free refresh is left.</param>
    public async Task<TargetSummary?> SummarizeTargetAsync(Scope scope, string targetId, AnalyticsWindow window, string today, CancellationToken cancellationToken)
    {
        var target = await store.GetTargetAsync(scope, targetId, cancellationToken);
        if (target is null)
        {
            return null;
        }

        var firstDay = window.Start ?? DateOnly.FromDateTime(target.CreatedAt.UtcDateTime);
        var snapshotsTask = store.GetSnapshotsAsync(scope, targetId, AnalyticsKeys.Day(firstDay), AnalyticsKeys.Day(window.End), cancellationToken);
        var postsTask = GetPostsAsync(scope, targetId, window, withPrevious: false, cancellationToken);
        return ForTarget(target, await snapshotsTask, await postsTask, today);
    }

    /// <param name="posts">The posts of the window and, when it has one, of the previous period.</param>
    public static AnalyticsSummary Summarize(AnalyticsWindow window, IReadOnlyList<PostSnapshot> posts)
    {
        var start = window.Start is { } s ? AnalyticsWindow.At(s) : DateTimeOffset.MinValue;
        var current = posts.Where(p => p.PublishedAt >= start).ToList();
        var previous = posts.Where(p => p.PublishedAt < start).ToList();
        var firstDay = window.Start ?? (current.Count == 0 ? window.End : current.Min(p => DateOnly.FromDateTime(p.PublishedAt.UtcDateTime)));
        var byDay = current.GroupBy(p => DateOnly.FromDateTime(p.PublishedAt.UtcDateTime)).ToDictionary(g => g.Key, g => g.ToList());
        var days = Enumerable.Range(0, window.End.DayNumber - firstDay.DayNumber + 1).Select(firstDay.AddDays)
            .Select(d => byDay.TryGetValue(d, out var list)
                ? new DayActivity(d, list.Count, list.Sum(p => p.Views), list.Sum(p => p.Likes), list.Sum(p => p.Comments), list.Sum(p => p.Shares), list.Sum(p => p.Saves))
                : new DayActivity(d, 0, 0, 0, 0, 0, 0))
            .ToList();
        var mix = current.GroupBy(p => p.Platform).Select(g => new PlatformMix(g.Key, g.Count(), g.Sum(p => p.Views)))
            .OrderByDescending(m => m.Posts).ThenBy(m => m.Platform.ToWire(), StringComparer.Ordinal).ToList();

        var kpis = new AnalyticsKpis(
            new(current.Count, previous.Count),
            new(current.Select(p => p.TargetId).Distinct().Count(), previous.Select(p => p.TargetId).Distinct().Count()),
            new(current.Sum(p => p.Views), previous.Sum(p => p.Views)),
            new(current.Sum(p => p.Likes), previous.Sum(p => p.Likes)),
            new(current.Sum(p => p.Comments), previous.Sum(p => p.Comments)),
            new(current.Sum(p => p.Shares), previous.Sum(p => p.Shares)),
            new(current.Sum(p => p.Saves), previous.Sum(p => p.Saves)),
            new(Rate(current), Rate(previous)));
        return new AnalyticsSummary(window, kpis, days, Streak(byDay, window.End), mix);
    }

    /// <param name="today">The UTC day (yyyy-MM-dd) that decides whether a free refresh is left.</param>
    public static TargetSummary ForTarget(
        AnalyticsTarget target, IReadOnlyList<(string Day, AccountSnapshot Snapshot)> snapshots, IReadOnlyList<PostSnapshot> posts, string today)
    {
        var latest = target.LatestSnapshot;
        var totals = new TargetFigures(latest?.Followers ?? 0, latest?.Views ?? 0, latest?.Likes ?? 0, posts.Count, posts.Sum(p => p.Views),
            posts.Sum(p => p.Comments), posts.Sum(p => p.Shares), posts.Sum(p => p.Saves), Rate(posts));
        var top = posts.OrderByDescending(p => p.Views).ThenByDescending(p => p.PublishedAt).Take(TopPosts).Select(p => new TrackedPost(p, target, null)).ToList();
        return new TargetSummary(target, totals, snapshots, top, target.FreeRefreshAvailable(today));
    }

    private async Task<(IReadOnlyList<AnalyticsTarget> Targets, IReadOnlyList<PostSnapshot> Posts)> LoadAsync(
        Scope scope, SummaryFilter filter, bool withPrevious, CancellationToken cancellationToken)
    {
        var targets = (await store.ListTargetsAsync(scope, cancellationToken))
            .Where(t => (filter.Platforms is null || filter.Platforms.Contains(t.Platform)) && (filter.TargetIds is null || filter.TargetIds.Contains(t.Id)))
            .ToList();
        var posts = await Task.WhenAll(targets.Select(t => GetPostsAsync(scope, t.Id, filter.Window, withPrevious, cancellationToken)));
        return (targets, [.. posts.SelectMany(p => p)]);
    }

    /// <summary>The target's posts published in the window (and in the previous period, when asked); range=all reads from the start.</summary>
    private Task<IReadOnlyList<PostSnapshot>> GetPostsAsync(Scope scope, string targetId, AnalyticsWindow window, bool withPrevious, CancellationToken cancellationToken)
    {
        var from = (withPrevious ? window.PreviousStart : window.Start) is { } d ? AnalyticsWindow.At(d) : DateTimeOffset.UnixEpoch;
        return store.GetPostsAsync(scope, targetId, from, AnalyticsWindow.At(window.End.AddDays(1)), cancellationToken);
    }

    private static decimal Rate(IReadOnlyList<PostSnapshot> posts) =>
        Engagement.Rate(posts.Sum(p => p.Likes), posts.Sum(p => p.Comments), posts.Sum(p => p.Shares), posts.Sum(p => p.Views));

    /// <summary>Consecutive days with a post, counted back from the window's last day (or the day before, so a streak is not broken before today's post).</summary>
    private static int Streak(Dictionary<DateOnly, List<PostSnapshot>> byDay, DateOnly end)
    {
        var day = byDay.ContainsKey(end) ? end : end.AddDays(-1);
        var streak = 0;
        while (byDay.ContainsKey(day))
        {
            streak++;
            day = day.AddDays(-1);
        }

        return streak;
    }
}
