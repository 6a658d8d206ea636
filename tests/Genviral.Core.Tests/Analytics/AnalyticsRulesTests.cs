using Genviral.Core.Analytics;

namespace Genviral.Core.Tests.Analytics;

public sealed class AnalyticsRulesTests
{
    [Theory]
    [InlineData("@Brand", "brand")]
    [InlineData("  @@Brand.Co ", "brand.co")]
    [InlineData("brand", "brand")]
    [InlineData(" @ ", "")]
    public void Normalize_TrimsLeadingAtAndCase(string identifier, string expected)
    {
        Assert.Equal(expected, AnalyticsStore.Normalize(identifier));
    }

    [Theory]
    [InlineData(100, 20, 10, 1000, 13.00)]
    [InlineData(1, 1, 1, 3, 100.00)]
    [InlineData(2, 0, 0, 3, 66.67)]
    [InlineData(5, 5, 5, 0, 0)]
    public void EngagementRate_IsLikesCommentsSharesOverViewsTimes100RoundedTo2(long likes, long comments, long shares, long views, double expected)
    {
        Assert.Equal((decimal)expected, Engagement.Rate(likes, comments, shares, views));
    }

    [Fact]
    public void DailyRefreshId_IsAStableUuidPerTargetAndDay()
    {
        var a = AnalyticsKeys.DailyRefreshId("t1", "2026-12-02");

        Assert.Equal(a, AnalyticsKeys.DailyRefreshId("t1", "2026-12-02"));
        Assert.NotEqual(a, AnalyticsKeys.DailyRefreshId("t1", "2026-12-03"));
        Assert.NotEqual(a, AnalyticsKeys.DailyRefreshId("t2", "2026-12-02"));
        Assert.True(Guid.TryParse(a, out _));
    }

    [Theory]
    [InlineData("7301234567890123456", "7301234567890123456")]
    [InlineData("dQw4w9WgXcQ", "dQw4w9WgXcQ")]
    [InlineData("a/b#c", null)]
    public void Safe_KeepsPlainIdsAndHashesOthers(string id, string? expected)
    {
        var key = AnalyticsKeys.Safe(id);

        if (expected is null)
        {
            Assert.StartsWith("h", key, StringComparison.Ordinal);
            Assert.DoesNotContain('/', key);
            Assert.DoesNotContain('#', key);
        }
        else
        {
            Assert.Equal(expected, key);
        }
    }
}
