using System.Net;
using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Analytics;

/// <summary>
/// Summaries over hand-placed stats. The clock stays at 2026-12-02 10:00 UTC in this class, so range=14d is
/// 2026-11-19..2026-12-02 and its previous period 2026-11-05..2026-11-18.
/// </summary>
public sealed class SummaryTests(SharedAnalyticsFactory factory) : AnalyticsTestBase(factory)
{
    [Fact]
    public async Task Summary_14Days_KpisSeriesAndDeltasMatchHandComputedValues()
    {
        var (client, _, _, _) = await SeededAsync();

        var data = await SummaryAsync(client, "?range=14d");

        var kpis = data.GetProperty("kpis");
        AssertKpi(kpis, "publishedVideos", 4, 2, 2);
        AssertKpi(kpis, "activeAccounts", 2, 1, 1);
        AssertKpi(kpis, "views", 3500, 1000, 2500);
        AssertKpi(kpis, "likes", 293, 70, 223);
        AssertKpi(kpis, "comments", 55, 10, 45);
        AssertKpi(kpis, "shares", 15, 10, 5);
        AssertKpi(kpis, "saves", 25, 1, 24);
        AssertKpi(kpis, "engagementRate", 10.37m, 9.00m, 1.37m);
        Assert.Equal("2026-11-19", data.GetProperty("period").GetProperty("start").GetString());
        Assert.Equal("2026-11-05", data.GetProperty("period").GetProperty("previousStart").GetString());
        var interactions = data.GetProperty("interactionSeries").EnumerateArray().ToList();
        Assert.Equal(14, interactions.Count);
        Assert.Equal("2026-11-19", interactions[0].GetProperty("date").GetString());
        var dec1 = interactions.Single(i => i.GetProperty("date").GetString() == "2026-12-01");
        Assert.Equal((1000, 100, 20, 10, 5), (dec1.GetProperty("views").GetInt64(), dec1.GetProperty("likes").GetInt64(), dec1.GetProperty("comments").GetInt64(),
            dec1.GetProperty("shares").GetInt64(), dec1.GetProperty("saves").GetInt64()));
        var engagement = data.GetProperty("engagementSeries").EnumerateArray().ToDictionary(e => e.GetProperty("date").GetString()!, e => e.GetProperty("engagementRate").GetDecimal());
        Assert.Equal(13.00m, engagement["2026-12-01"]);
        Assert.Equal(0m, engagement["2026-11-19"]);
        Assert.Equal(9.00m, engagement["2026-11-30"]);
        var heatmap = data.GetProperty("postingHeatmap").EnumerateArray().Where(h => h.GetProperty("posts").GetInt32() > 0).Select(h => h.GetProperty("date").GetString()!).ToList();
        Assert.Equal(["2026-11-19", "2026-11-30", "2026-12-01", "2026-12-02"], heatmap);
        Assert.Equal(3, data.GetProperty("postingStreak").GetInt32());
        var mix = data.GetProperty("contentMix").EnumerateArray().Select(m => (m.GetProperty("platform").GetString(), m.GetProperty("posts").GetInt32(), m.GetProperty("views").GetInt64())).ToList();
        Assert.Equal([("instagram", 2, 2000L), ("tiktok", 2, 1500L)], mix);
    }

    [Fact]
    public async Task Summary_Filters_PlatformsAccountsAliasesAndCustomRange()
    {
        var (client, a, b, _) = await SeededAsync();

        var tiktok = await SummaryAsync(client, "?range=14d&platforms=tiktok");
        var alias = await SummaryAsync(client, "?range=14d&platform=instagram");
        var account = await SummaryAsync(client, $"?range=14d&account_ids={b}");
        var both = await SummaryAsync(client, $"?range=14d&accounts={a},{b}&platforms=tiktok,instagram");
        var custom = await SummaryAsync(client, "?start=2026-11-05&end=2026-11-18&range=90d");
        var all = await SummaryAsync(client, "?range=all");

        AssertKpi(tiktok.GetProperty("kpis"), "publishedVideos", 2, 2, 0);
        AssertKpi(alias.GetProperty("kpis"), "views", 2000, 0, 2000);
        AssertKpi(account.GetProperty("kpis"), "publishedVideos", 2, 0, 2);
        AssertKpi(both.GetProperty("kpis"), "publishedVideos", 4, 2, 2);
        AssertKpi(custom.GetProperty("kpis"), "publishedVideos", 2, 1, 1);
        AssertKpi(custom.GetProperty("kpis"), "views", 1000, 99999, -98999);
        Assert.Equal("2026-10-22", custom.GetProperty("period").GetProperty("previousStart").GetString());
        AssertKpi(all.GetProperty("kpis"), "publishedVideos", 7, 0, 7);
        Assert.Equal(JsonValueKind.Null, all.GetProperty("period").GetProperty("start").ValueKind);
        Assert.Equal("2026-11-04", all.GetProperty("interactionSeries")[0].GetProperty("date").GetString());
    }

    [Fact]
    public async Task SummaryPosts_SortsPagesAndMatchesPublishedPosts()
    {
        var (client, a, _, tenant) = await SeededAsync();
        await Factory.PostMap.LinkAsync(tenant.Scope, Platform.Tiktok, "p1", "5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c", "campaign-1", Ct);

        var newest = await PostsAsync(client, "?range=14d");
        var byViews = await PostsAsync(client, "?range=14d&sortBy=views&sortOrder=asc");
        var byLikes = await PostsAsync(client, "?range=14d&sort_by=likes&sort_order=desc");
        var page = await PostsAsync(client, "?range=14d&limit=2&offset=1");
        var last = await PostsAsync(client, "?range=14d&limit=2&offset=3");

        Assert.Equal(["p2", "p1", "p3", "p4"], Ids(newest));
        Assert.Equal(4, newest.GetProperty("totalCount").GetInt32());
        Assert.False(newest.GetProperty("hasMore").GetBoolean());
        Assert.Equal(["p4", "p2", "p1", "p3"], Ids(byViews));
        Assert.Equal(["p3", "p1", "p2", "p4"], Ids(byLikes));
        Assert.Equal(["p1", "p3"], Ids(page));
        Assert.True(page.GetProperty("hasMore").GetBoolean());
        Assert.Equal(["p4"], Ids(last));
        Assert.False(last.GetProperty("hasMore").GetBoolean());
        var p1 = newest.GetProperty("posts")[1];
        Assert.Equal("5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c", p1.GetProperty("genviralPostId").GetString());
        Assert.Equal("campaign-1", p1.GetProperty("externalId").GetString());
        Assert.Equal(p1.GetProperty("id").GetString(), p1.GetProperty("analyticsId").GetString());
        Assert.Equal(a, p1.GetProperty("targetId").GetString());
        Assert.Equal(13.00m, p1.GetProperty("engagementRate").GetDecimal());
        Assert.Equal("2026-12-01T12:00:00.000Z", p1.GetProperty("publishedAt").GetString());
        Assert.Equal((1000, 100, 20, 10, 5), (p1.GetProperty("metrics").GetProperty("views").GetInt64(), p1.GetProperty("metrics").GetProperty("likes").GetInt64(),
            p1.GetProperty("metrics").GetProperty("comments").GetInt64(), p1.GetProperty("metrics").GetProperty("shares").GetInt64(), p1.GetProperty("metrics").GetProperty("saves").GetInt64()));
        Assert.Equal("tiktok", p1.GetProperty("platform").GetString());
        Assert.Equal("@brand", p1.GetProperty("accountIdentifier").GetString());
        Assert.Equal("Brand", p1.GetProperty("accountDisplayName").GetString());
        var p2 = newest.GetProperty("posts")[0];
        Assert.Equal(JsonValueKind.Null, p2.GetProperty("genviralPostId").ValueKind);
        Assert.Equal(JsonValueKind.Null, p2.GetProperty("externalId").ValueKind);
        Assert.Equal(0m, newest.GetProperty("posts")[3].GetProperty("engagementRate").GetDecimal());
    }

    [Fact]
    public async Task GetTarget_Summary_HasTotalsTimelineTopPostsAndRefreshState()
    {
        var (client, a, _, _) = await SeededAsync();

        using var response = await client.GetAsync($"{Base}/targets/{a}?range=14d", Ct);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics target retrieved");
        Assert.Equal(a, data.GetProperty("id").GetString());
        var summary = data.GetProperty("summary");
        var totals = summary.GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("posts").GetInt32());
        Assert.Equal(1500, totals.GetProperty("post_views").GetInt64());
        Assert.Equal(25, totals.GetProperty("comments").GetInt64());
        Assert.Equal(12.00m, totals.GetProperty("engagement_rate").GetDecimal());
        var timeline = summary.GetProperty("timeline").EnumerateArray().Select(t => (t.GetProperty("date").GetString(), t.GetProperty("followers").GetInt64())).ToList();
        Assert.Equal([("2026-11-20", 100L), ("2026-12-02", 120L)], timeline);
        Assert.Equal(["p1", "p2"], Ids(summary, "top_posts"));
        Assert.True(summary.GetProperty("refresh").GetProperty("free_refresh_available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("refresh").GetProperty("last_refresh").ValueKind);
    }

    [Theory]
    [InlineData("?range=7d")]
    [InlineData("?range=30D")]
    [InlineData("?range=ALL")]
    [InlineData("?platforms=TikTok")]
    [InlineData("?platform=tiktok,YouTube")]
    [InlineData("?sortBy=Published_At")]
    [InlineData("?sortOrder=DESC")]
    [InlineData("?sort_order=Asc")]
    [InlineData("?start=2026-11-01")]
    [InlineData("?end=2026-11-01")]
    [InlineData("?start=2026-11-31&end=2026-12-01")]
    [InlineData("?start=2026-11-01T00:00:00Z&end=2026-12-01")]
    [InlineData("?start=2026-12-02&end=2026-12-01")]
    [InlineData("?platforms=facebook")]
    [InlineData("?platforms=tiktok,")]
    [InlineData("?platforms=")]
    [InlineData("?platforms=tiktok&platform=youtube")]
    [InlineData("?accounts=")]
    [InlineData("?sortBy=date")]
    [InlineData("?sort_by=VIEWS")]
    [InlineData("?sortOrder=up")]
    [InlineData("?limit=0")]
    [InlineData("?limit=101")]
    [InlineData("?limit=ten")]
    [InlineData("?offset=-1")]
    [InlineData("?offset=10001")]
    [InlineData("?range=14d&range=30d")]
    public async Task Summaries_BadQuery_Return400InvalidQueryParameter(string query)
    {
        var (_, client) = await TenantAsync();

        using var posts = await client.GetAsync($"{Base}/summary/posts{query}", Ct);
        using var summary = await client.GetAsync($"{Base}/summary{query}", Ct);

        await EnvelopeAssert.ErrorAsync(posts, HttpStatusCode.BadRequest, "invalid_query_parameter");
        await EnvelopeAssert.ErrorAsync(summary, HttpStatusCode.BadRequest, "invalid_query_parameter");
    }

    [Fact]
    public async Task Summaries_EdgeValues_AreAccepted()
    {
        var (_, client) = await TenantAsync();

        var posts = await PostsAsync(client, "?limit=100&offset=10000&sort_order=asc&sortBy=shares");
        var summary = await SummaryAsync(client, "?range=1y");

        Assert.Equal(0, posts.GetProperty("totalCount").GetInt32());
        Assert.Empty(posts.GetProperty("posts").EnumerateArray());
        Assert.Equal(365, summary.GetProperty("interactionSeries").GetArrayLength());
        AssertKpi(summary.GetProperty("kpis"), "engagementRate", 0, 0, 0);
        Assert.Equal(0, summary.GetProperty("postingStreak").GetInt32());
    }

    private async Task<(HttpClient Client, string A, string B, Tenant Tenant)> SeededAsync()
    {
        var (tenant, client) = await TenantAsync();
        var a = await CreateTargetIdAsync(client, "tiktok", "@Brand");
        (await client.PatchAsync($"{Base}/targets/{a}", System.Net.Http.Json.JsonContent.Create(new { displayName = "Brand" }), Ct)).Dispose();
        var b = await CreateTargetIdAsync(client, "instagram", "@brand.ig");
        var store = Factory.Store;
        await store.SaveStatsAsync(tenant.Scope, a, Snapshot(2026, 11, 1, 90), [
            Post(a, Platform.Tiktok, "p5", new(2026, 11, 18, 23, 59, 59, TimeSpan.Zero), 800, 60, 10, 10, 1),
            Post(a, Platform.Tiktok, "p6", new(2026, 11, 5, 0, 0, 0, TimeSpan.Zero), 200, 10, 0, 0, 0),
            Post(a, Platform.Tiktok, "p7", new(2026, 11, 4, 23, 0, 0, TimeSpan.Zero), 99999, 0, 0, 0, 0)], Ct);
        await store.SaveStatsAsync(tenant.Scope, a, Snapshot(2026, 11, 20, 100), [], Ct);
        await store.SaveStatsAsync(tenant.Scope, a, Snapshot(2026, 12, 2, 120), [
            Post(a, Platform.Tiktok, "p1", new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), 1000, 100, 20, 10, 5),
            Post(a, Platform.Tiktok, "p2", new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero), 500, 40, 5, 5, 0)], Ct);
        await store.SaveStatsAsync(tenant.Scope, b, Snapshot(2026, 12, 2, 10), [
            Post(b, Platform.Instagram, "p3", new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), 2000, 150, 30, 0, 20),
            Post(b, Platform.Instagram, "p4", new(2026, 11, 19, 0, 0, 0, TimeSpan.Zero), 0, 3, 0, 0, 0)], Ct);
        return (client, a, b, tenant);
    }

    private static AccountSnapshot Snapshot(int year, int month, int day, long followers) =>
        new(followers, followers * 10, followers * 2, new DateTimeOffset(year, month, day, 6, 0, 0, TimeSpan.Zero));

    private static PostSnapshot Post(string target, Platform platform, string id, DateTimeOffset at, long views, long likes, long comments, long shares, long saves) =>
        new(target, platform, id, at, "caption " + id, "https://example.com/" + id, null, 30, views, likes, comments, shares, saves, AnalyticsFactory.Start);

    private static async Task<JsonElement> SummaryAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"{Base}/summary{query}", Ct);
        return await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics summary retrieved");
    }

    private static async Task<JsonElement> PostsAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"{Base}/summary/posts{query}", Ct);
        return await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics posts retrieved");
    }

    private static string[] Ids(JsonElement data, string property = "posts") =>
        [.. data.GetProperty(property).EnumerateArray().Select(p => p.GetProperty("platformPostId").GetString()!)];

    private static void AssertKpi(JsonElement kpis, string name, decimal value, decimal previous, decimal delta)
    {
        var kpi = kpis.GetProperty(name);
        Assert.Equal((value, previous, delta), (kpi.GetProperty("value").GetDecimal(), kpi.GetProperty("previous").GetDecimal(), kpi.GetProperty("delta").GetDecimal()));
    }
}
