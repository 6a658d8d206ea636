using Genviral.Core.Accounts;
using Genviral.Core.Platforms;

namespace Genviral.Core.Tests.Platforms;

public sealed class PlatformsOptionsTests
{
    [Theory]
    [InlineData("https://gateway.example/tiktok", "/v2/post/publish/video/init/")]
    [InlineData("https://gateway.example/tiktok/", "/v2/post/publish/video/init/")]
    [InlineData("https://gateway.example/tiktok", "v2/post/publish/video/init/")]
    [InlineData("https://gateway.example/tiktok/", "v2/post/publish/video/init/")]
    public void Url_BaseUrlWithAPath_KeepsThePathWhateverTheSlashes(string baseUrl, string path)
    {
        var options = new TikTokOptions { BaseUrl = new Uri(baseUrl) };

        Assert.Equal(new Uri("https://gateway.example/tiktok/v2/post/publish/video/init/"), options.Url(path));
    }

    [Fact]
    public void Url_BaseUrlWithoutAPath_IsTheHostRoot()
    {
        var options = new YouTubeOptions { BaseUrl = new Uri("http://localhost:5090") };

        Assert.Equal(new Uri("http://localhost:5090/youtube/v3/channels?part=snippet&key=k"), options.Url("youtube/v3/channels?part=snippet&key=k"));
    }

    [Fact]
    public void TikTokTokenUrl_IsOnTheBaseUrl()
    {
        var options = new TikTokOptions { BaseUrl = new Uri("https://gateway.example/tiktok") };

        Assert.Equal(new Uri("https://gateway.example/tiktok/v2/oauth/token/"), options.TokenUrl);
    }

    [Fact]
    public void InstagramGraphUrl_CarriesTheOneGraphVersion()
    {
        var options = new InstagramOptions { BaseUrl = new Uri("https://gateway.example/ig") };

        Assert.Equal(new Uri($"https://gateway.example/ig/{InstagramOptions.GraphVersion}/17841/media"), options.GraphUrl("/17841/media"));
    }

    [Fact]
    public void InstagramDiscovery_WithoutItsOwnUrl_FollowsTheBaseUrlWithTheSameVersion()
    {
        var options = new InstagramOptions { BaseUrl = new Uri("http://localhost:5090/") };

        Assert.Equal(new Uri($"http://localhost:5090/{InstagramOptions.GraphVersion}/17841?fields=x"), options.DiscoveryUrl("17841?fields=x"));
    }

    [Fact]
    public void InstagramDiscovery_OwnUrl_WinsAndKeepsItsPath()
    {
        var options = new InstagramOptions
        {
            BaseUrl = new Uri("https://graph.instagram.com/"),
            DiscoveryBaseUrl = new Uri("https://gateway.example/facebook"),
        };

        Assert.Equal(new Uri($"https://gateway.example/facebook/{InstagramOptions.GraphVersion}/17841?fields=x"), options.DiscoveryUrl("17841?fields=x"));
    }

    [Fact]
    public void For_EachPlatform_IsThatPlatformsOwnOptions()
    {
        var options = new PlatformsOptions();

        Assert.Same(options.TikTok, options.For(Platform.Tiktok));
        Assert.Same(options.Instagram, options.For(Platform.Instagram));
        Assert.Same(options.YouTube, options.For(Platform.Youtube));
        Assert.Equal(Enum.GetValues<Platform>().Length, Enum.GetValues<Platform>().Select(options.For).Distinct().Count());
    }

    [Fact]
    public void For_PlatformWithoutOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlatformsOptions().For((Platform)42));
    }
}
