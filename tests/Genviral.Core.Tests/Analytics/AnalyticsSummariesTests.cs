using Genviral.Core.Accounts;
using Genviral.Core.Analytics;

namespace Genviral.Core.Tests.Analytics;

public sealed class AnalyticsSummariesTests
{
    private static readonly AnalyticsWindow ThreeDays = new(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3));

    [Fact]
    public void Window_ThreeDays_PreviousPeriodIsTheThreeDaysBefore()
    {
        Assert.Equal(3, ThreeDays.Days);
        Assert.Equal(new DateOnly(2026, 11, 28), ThreeDays.PreviousStart);
        Assert.Equal(new DateOnly(2026, 11, 30), ThreeDays.PreviousEnd);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), AnalyticsWindow.At(new DateOnly(2026, 12, 1)));
    }

    [Fact]
    public void Window_AllTime_HasNoPreviousPeriod()
    {
        var all = new AnalyticsWindow(null, new DateOnly(2026, 12, 3));

        Assert.Null(all.Days);
        Assert.Null(all.PreviousStart);
        Assert.Null(all.PreviousEnd);
    }

    [Fact]
    public void Summarize_WindowAndPreviousPeriod_KpisAndDeltasMatchHandComputedValues()
    {
        var summary = AnalyticsSummaries.Summarize(ThreeDays, HandPlacedPosts());

        var k = summary.Kpis;
        Assert.Equal((3m, 1m, 2m), Triple(k.PublishedVideos));
        Assert.Equal((2m, 1m, 1m), Triple(k.ActiveAccounts));
        Assert.Equal((1500m, 500m, 1000m), Triple(k.Views));
        Assert.Equal((117m, 40m, 77m), Triple(k.Likes));
        Assert.Equal((18m, 5m, 13m), Triple(k.Comments));
        Assert.Equal((5m, 5m, 0m), Triple(k.Shares));
        Assert.Equal((6m, 0m, 6m), Triple(k.Saves));
        Assert.Equal((9.33m, 10.00m, -0.67m), Triple(k.EngagementRate));
    }

    [Fact]
    public void Summarize_WindowAndPreviousPeriod_DailySeriesCoverEveryDayOfTheWindow()
    {
        var summary = AnalyticsSummaries.Summarize(ThreeDays, HandPlacedPosts());

        Assert.Equal(
            [
                new DayActivity(new DateOnly(2026, 12, 1), 1, 1000, 80, 15, 5, 3),
                new DayActivity(new DateOnly(2026, 12, 2), 2, 500, 37, 3, 0, 3),
                new DayActivity(new DateOnly(2026, 12, 3), 0, 0, 0, 0, 0, 0),
            ],
            summary.Days);
        Assert.Equal([10.00m, 8.00m, 0m], summary.Days.Select(d => d.EngagementRate));
        Assert.Equal([new PlatformMix(Platform.Tiktok, 2, 1200), new PlatformMix(Platform.Instagram, 1, 300)], summary.ContentMix);
        Assert.Equal(2, summary.PostingStreak);
    }

    [Theory]
    [InlineData(new[] { 3, 2, 1 }, 3)]
    [InlineData(new[] { 2, 1 }, 2)]
    [InlineData(new[] { 3, 1 }, 1)]
    [InlineData(new[] { 1 }, 0)]
    [InlineData(new int[0], 0)]
    public void Summarize_PostingDays_StreakCountsBackFromLastDayOrTheDayBefore(int[] decemberDays, int expected)
    {
        var window = new AnalyticsWindow(new DateOnly(2026, 11, 27), new DateOnly(2026, 12, 3));
        var posts = decemberDays.Select(d => Snapshot("t1", Platform.Tiktok, $"p{d}", new DateTimeOffset(2026, 12, d, 12, 0, 0, TimeSpan.Zero), 10, 1, 0, 0, 0)).ToList();

        var summary = AnalyticsSummaries.Summarize(window, posts);

        Assert.Equal(expected, summary.PostingStreak);
    }

    [Fact]
    public void Summarize_PlatformsWithEqualPosts_MixOrdersThemByName()
    {
        var posts = new[]
        {
            Snapshot("t1", Platform.Youtube, "y", new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero), 5, 0, 0, 0, 0),
            Snapshot("t2", Platform.Instagram, "i", new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero), 7, 0, 0, 0, 0),
        };

        var summary = AnalyticsSummaries.Summarize(ThreeDays, posts);

        Assert.Equal([Platform.Instagram, Platform.Youtube], summary.ContentMix.Select(m => m.Platform));
    }

    [Fact]
    public void Summarize_AllTime_StartsAtTheFirstPostAndComparesWithNothing()
    {
        var all = new AnalyticsWindow(null, new DateOnly(2026, 12, 3));

        var summary = AnalyticsSummaries.Summarize(all, HandPlacedPosts());

        Assert.Equal(new DateOnly(2026, 11, 29), summary.Days[0].Day);
        Assert.Equal(5, summary.Days.Count);
        Assert.Equal((4m, 0m, 4m), Triple(summary.Kpis.PublishedVideos));
        Assert.Equal((2000m, 0m, 2000m), Triple(summary.Kpis.Views));
    }

    [Fact]
    public void Summarize_NoPostsAllTime_HasOnlyTheLastDay()
    {
        var summary = AnalyticsSummaries.Summarize(new AnalyticsWindow(null, new DateOnly(2026, 12, 3)), []);

        Assert.Equal([new DayActivity(new DateOnly(2026, 12, 3), 0, 0, 0, 0, 0, 0)], summary.Days);
        Assert.Equal((0m, 0m, 0m), Triple(summary.Kpis.EngagementRate));
        Assert.Empty(summary.ContentMix);
    }

    [Fact]
    public void ForTarget_SixPosts_TotalsCoverAllAndTopPostsAreTheFiveMostViewed()
    {
        var target = Target(new AccountSnapshot(120, 9000, 700, new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero)), freeRefreshDay: "2026-12-02");
        var posts = Enumerable.Range(1, 6)
            .Select(i => Snapshot(target.Id, Platform.Tiktok, $"p{i}", new DateTimeOffset(2026, 12, i, 12, 0, 0, TimeSpan.Zero), i == 6 ? 300 : i * 100, i, 1, 1, 2))
            .ToList();
        IReadOnlyList<(string Day, AccountSnapshot Snapshot)> timeline = [("2026-12-02", target.LatestSnapshot!)];

        var summary = AnalyticsSummaries.ForTarget(target, timeline, posts, "2026-12-02");

        Assert.Equal(new TargetFigures(120, 9000, 700, 6, 1800, 6, 6, 12, 1.83m), summary.Totals);
        Assert.Equal(["p5", "p4", "p6", "p3", "p2"], summary.TopPosts.Select(p => p.Snapshot.PlatformPostId));
        Assert.All(summary.TopPosts, p => Assert.Null(p.Link));
        Assert.Equal(timeline, summary.Timeline);
        Assert.False(summary.FreeRefreshAvailable);
        Assert.True(AnalyticsSummaries.ForTarget(target, timeline, posts, "2026-12-03").FreeRefreshAvailable);
    }

    [Fact]
    public void ForTarget_NoSnapshotOrPosts_IsAllZero()
    {
        var summary = AnalyticsSummaries.ForTarget(Target(null, null), [], [], "2026-12-02");

        Assert.Equal(new TargetFigures(0, 0, 0, 0, 0, 0, 0, 0, 0m), summary.Totals);
        Assert.Empty(summary.TopPosts);
        Assert.True(summary.FreeRefreshAvailable);
    }

    /// <summary>
    /// 2026-12-01..03 has three posts of two targets: 1,500 views, 117 likes, 18 comments, 5 shares, 6 saves, so an
    /// engagement rate of 140 / 1,500 = 9.33 %. The previous period (11-28..30) has one post: 50 / 500 = 10.00 %.
    /// </summary>
    private static List<PostSnapshot> HandPlacedPosts() =>
    [
        Snapshot("t1", Platform.Tiktok, "a", new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), 1000, 80, 15, 5, 3),
        Snapshot("t1", Platform.Tiktok, "b", new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero), 200, 10, 0, 0, 1),
        Snapshot("t2", Platform.Instagram, "c", new DateTimeOffset(2026, 12, 2, 18, 0, 0, TimeSpan.Zero), 300, 27, 3, 0, 2),
        Snapshot("t1", Platform.Tiktok, "d", new DateTimeOffset(2026, 11, 29, 23, 59, 0, TimeSpan.Zero), 500, 40, 5, 5, 0),
    ];

    private static (decimal Value, decimal Previous, decimal Delta) Triple(KpiChange kpi) => (kpi.Value, kpi.Previous, kpi.Delta);

    private static PostSnapshot Snapshot(string target, Platform platform, string id, DateTimeOffset at, long views, long likes, long comments, long shares, long saves) =>
        new(target, platform, id, at, null, null, null, null, views, likes, comments, shares, saves, at);

    private static AnalyticsTarget Target(AccountSnapshot? latest, string? freeRefreshDay) =>
        new("t1", Platform.Tiktok, "@brand", "brand", null, false, null, "u1", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), null, null, latest, freeRefreshDay, null);
}
