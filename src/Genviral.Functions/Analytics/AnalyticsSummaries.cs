using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Core.Tenancy;

namespace Genviral.Functions.Analytics;

/// <summary>
/// Reads the tracked posts a summary needs (one row-key range per selected target, covering the window and the
/// previous period only) and computes the KPIs, series and rows. All figures come from the latest stats of the posts
/// published in the window.
/// </summary>
internal sealed class AnalyticsSummaries(AnalyticsStore store, PlatformPostMap postMap)
{
    private const int TopPosts = 5;

    public async Task<(IReadOnlyList<AnalyticsTarget> Targets, IReadOnlyList<PostSnapshot> Posts)> LoadAsync(
        Scope scope, AnalyticsQuery query, bool withPrevious, CancellationToken cancellationToken)
    {
        var targets = (await store.ListTargetsAsync(scope, cancellationToken))
            .Where(t => (query.Platforms is null || query.Platforms.Contains(t.Platform)) && (query.TargetIds is null || query.TargetIds.Contains(t.Id)))
            .ToList();
        var window = query.Window;
        var from = (withPrevious ? window.PreviousStart : window.Start) is { } d ? AnalyticsWindow.At(d) : DateTimeOffset.UnixEpoch;
        var to = AnalyticsWindow.At(window.End.AddDays(1));
        var posts = await Task.WhenAll(targets.Select(t => store.GetPostsAsync(scope, t.Id, from, to, cancellationToken)));
        return (targets, [.. posts.SelectMany(p => p)]);
    }

    public static AnalyticsSummaryResponse Summarize(AnalyticsWindow window, IReadOnlyList<PostSnapshot> posts)
    {
        var start = window.Start is { } s ? AnalyticsWindow.At(s) : DateTimeOffset.MinValue;
        var current = posts.Where(p => p.PublishedAt >= start).ToList();
        var previous = posts.Where(p => p.PublishedAt < start).ToList();
        var firstDay = window.Start ?? (current.Count == 0 ? window.End : current.Min(p => DateOnly.FromDateTime(p.PublishedAt.UtcDateTime)));
        var byDay = current.GroupBy(p => DateOnly.FromDateTime(p.PublishedAt.UtcDateTime)).ToDictionary(g => g.Key, g => g.ToList());
        var days = Enumerable.Range(0, window.End.DayNumber - firstDay.DayNumber + 1).Select(firstDay.AddDays).ToList();

        var interactions = days.Select(d => byDay.TryGetValue(d, out var list)
            ? new InteractionPoint(Day(d), list.Sum(p => p.Views), list.Sum(p => p.Likes), list.Sum(p => p.Comments), list.Sum(p => p.Shares), list.Sum(p => p.Saves))
            : new InteractionPoint(Day(d), 0, 0, 0, 0, 0)).ToList();
        var engagement = interactions.Select(i => new EngagementPoint(i.Date, Engagement.Rate(i.Likes, i.Comments, i.Shares, i.Views))).ToList();
        var heatmap = days.Select(d => new HeatmapDay(Day(d), byDay.TryGetValue(d, out var list) ? list.Count : 0)).ToList();
        var mix = current.GroupBy(p => p.Platform).Select(g => new ContentMixItem(g.Key.ToWire(), g.Count(), g.Sum(p => p.Views)))
            .OrderByDescending(m => m.Posts).ThenBy(m => m.Platform, StringComparer.Ordinal).ToList();

        var kpis = new SummaryKpis(
            Delta(current.Count, previous.Count),
            Delta(current.Select(p => p.TargetId).Distinct().Count(), previous.Select(p => p.TargetId).Distinct().Count()),
            Delta(current.Sum(p => p.Views), previous.Sum(p => p.Views)),
            Delta(current.Sum(p => p.Likes), previous.Sum(p => p.Likes)),
            Delta(current.Sum(p => p.Comments), previous.Sum(p => p.Comments)),
            Delta(current.Sum(p => p.Shares), previous.Sum(p => p.Shares)),
            Delta(current.Sum(p => p.Saves), previous.Sum(p => p.Saves)),
            Delta(Rate(current), Rate(previous)));
        var period = new SummaryPeriod(window.Start is { } ws ? Day(ws) : null, Day(window.End),
            window.PreviousStart is { } ps ? Day(ps) : null, window.PreviousEnd is { } pe ? Day(pe) : null);
        return new AnalyticsSummaryResponse(period, kpis, interactions, engagement, heatmap, Streak(byDay, window.End), mix);
    }

    /// <summary>Sorts and pages the posts of the window, then matches only the page's rows to Genviral posts.</summary>
    public async Task<AnalyticsPostsResponse> PageAsync(
        Scope scope, AnalyticsQuery query, IReadOnlyList<AnalyticsTarget> targets, IReadOnlyList<PostSnapshot> posts, CancellationToken cancellationToken)
    {
        Func<PostSnapshot, long> key = query.SortBy switch
        {
            PostSort.Views => p => p.Views,
            PostSort.Likes => p => p.Likes,
            PostSort.Comments => p => p.Comments,
            PostSort.Shares => p => p.Shares,
            _ => p => p.PublishedAt.UtcTicks,
        };
        var ordered = query.Descending
            ? posts.OrderByDescending(key).ThenByDescending(p => p.PublishedAt).ThenBy(p => p.PlatformPostId, StringComparer.Ordinal)
            : posts.OrderBy(key).ThenBy(p => p.PublishedAt).ThenBy(p => p.PlatformPostId, StringComparer.Ordinal);
        var page = ordered.Skip(query.Offset).Take(query.Limit).ToList();
        var byId = targets.ToDictionary(t => t.Id);
        var rows = await Task.WhenAll(page.Select(async p =>
            ToRow(p, byId[p.TargetId], await postMap.FindAsync(scope, p.Platform, p.PlatformPostId, cancellationToken))));
        return new AnalyticsPostsResponse(rows, posts.Count, query.Offset + page.Count < posts.Count);
    }

    public static TargetSummaryResponse ForTarget(
        AnalyticsTarget target, IReadOnlyList<(string Day, AccountSnapshot Snapshot)> snapshots, IReadOnlyList<PostSnapshot> posts, string today)
    {
        var latest = target.LatestSnapshot;
        var totals = new TargetTotals(latest?.Followers ?? 0, latest?.Views ?? 0, latest?.Likes ?? 0, posts.Count, posts.Sum(p => p.Views),
            posts.Sum(p => p.Comments), posts.Sum(p => p.Shares), posts.Sum(p => p.Saves), Rate(posts));
        var timeline = snapshots.Select(s => new TimelinePoint(s.Day, s.Snapshot.Followers, s.Snapshot.Views, s.Snapshot.Likes)).ToList();
        var top = posts.OrderByDescending(p => p.Views).ThenByDescending(p => p.PublishedAt).Take(TopPosts).Select(p => ToRow(p, target, null)).ToList();
        return new TargetSummaryResponse(totals, timeline, top,
            new TargetRefreshState(target.LastRefresh.ToResponse(), target.LastRefreshedAt, target.FreeRefreshAvailable(today)));
    }

    private static AnalyticsPostRow ToRow(PostSnapshot p, AnalyticsTarget target, PlatformPostLink? link)
    {
        var id = AnalyticsKeys.PostRowId(p.TargetId, p.PlatformPostId);
        return new AnalyticsPostRow(id, id, p.TargetId, p.PlatformPostId, link?.GenviralPostId, link?.ExternalId, p.PublishedAt, p.Caption, p.Permalink,
            p.ThumbnailUrl, p.DurationSeconds, new PostMetrics(p.Views, p.Likes, p.Comments, p.Shares, p.Saves), p.EngagementRate, p.Platform.ToWire(),
            "@" + target.NormalizedIdentifier, target.DisplayName ?? target.Identifier, target.AvatarUrl);
    }

    private static decimal Rate(IReadOnlyList<PostSnapshot> posts) =>
        Engagement.Rate(posts.Sum(p => p.Likes), posts.Sum(p => p.Comments), posts.Sum(p => p.Shares), posts.Sum(p => p.Views));

    private static Kpi Delta(decimal value, decimal previous) => new(value, previous, value - previous);

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

    private static string Day(DateOnly d) => AnalyticsKeys.Day(d);
}
