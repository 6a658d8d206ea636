using Genviral.Core.Platforms.Stats;

namespace Genviral.Core.Tests.Platforms;

public sealed class StatsOptionsTests
{
    [Fact]
    public void InstagramDiscovery_WithoutItsOwnUrl_FollowsThePublishingBaseUrl()
    {
        var options = new InstagramStatsOptions { BaseUrl = new Uri("http://localhost:5090/") };

        Assert.Equal(new Uri("http://localhost:5090/v21.0/"), options.DiscoveryEndpoint);
    }

    [Fact]
    public void InstagramDiscovery_OwnUrl_Wins()
    {
        var options = new InstagramStatsOptions
        {
            BaseUrl = new Uri("https://graph.instagram.com/"),
            DiscoveryBaseUrl = new Uri("https://graph.facebook.com/v21.0/"),
        };

        Assert.Equal(new Uri("https://graph.facebook.com/v21.0/"), options.DiscoveryEndpoint);
    }
}
