using Genviral.Core.Accounts;

namespace Genviral.Core.Platforms;

/// <summary>
/// Each platform's API (section Platforms, one subsection per platform): where it is, the app's OAuth client and the
/// service's own credentials. Publishing and analytics read the same options and join paths the same way, so one base
/// URL sends both to one place. In Azure the base URLs are the real APIs and the secrets Key Vault references; locally
/// they point at tools/PlatformSimulator.
/// </summary>
public sealed class PlatformsOptions
{
    public const string SectionName = "Platforms";

    public TikTokOptions TikTok { get; set; } = new();

    public InstagramOptions Instagram { get; set; } = new();

    public YouTubeOptions YouTube { get; set; } = new();

    /// <summary>The options of <paramref name="platform"/>: each platform has its own, and one without is an error, never another's.</summary>
    public PlatformOptions For(Platform platform) => platform switch
    {
        Platform.Tiktok => TikTok,
        Platform.Instagram => Instagram,
        Platform.Youtube => YouTube,
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, "No options for this platform."),
    };
}

/// <summary>What every platform's options have.</summary>
public abstract class PlatformOptions(Uri baseUrl)
{
    /// <summary>The API root. A path in it is kept: every call goes below it (<see cref="Url"/>).</summary>
    public Uri BaseUrl { get; set; } = baseUrl;

    /// <summary>The app's OAuth client (TikTok client_key, Google client_id): refreshes BYO tokens, and TikTok's research API token.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The service's own access token, used for hosted accounts.</summary>
    public string? HostedAccessToken { get; set; }

    /// <summary>The URL of an API call: <paramref name="pathAndQuery"/> below <see cref="BaseUrl"/> (<see cref="Join"/>).</summary>
    public Uri Url(string pathAndQuery) => Join(BaseUrl, pathAndQuery);

    /// <summary>
    /// The one joining rule of platform URLs: the path goes below the root's path, whether or not either has the slash
    /// between them, so https://gateway.example/tiktok and /v2/post/ make https://gateway.example/tiktok/v2/post/.
    /// </summary>
    public static Uri Join(Uri root, string pathAndQuery)
    {
        var directory = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        return new Uri(directory, pathAndQuery.TrimStart('/'));
    }
}

/// <summary>TikTok: the Content Posting API for publishing, the Research API (client-credentials token) for analytics.</summary>
public sealed class TikTokOptions() : PlatformOptions(new Uri("https://open.tiktokapis.com/"))
{
    /// <summary>The OAuth token endpoint, for refreshing BYO tokens and for the research API's client-credentials token.</summary>
    public Uri TokenUrl => Url("v2/oauth/token/");
}

/// <summary>Instagram: the Instagram API with Instagram Login for publishing, Graph API business discovery for analytics.</summary>
public sealed class InstagramOptions() : PlatformOptions(new Uri("https://graph.instagram.com/"))
{
    /// <summary>The Graph API version every Instagram call is pinned to: a new version can change shapes, so it moves on purpose.</summary>
    public const string GraphVersion = "v21.0";

    /// <summary>
    /// Business discovery's Graph API host (https://graph.facebook.com in Azure): it is on the Facebook Graph host,
    /// unlike publishing with Instagram Login. Unset, it is <see cref="PlatformOptions.BaseUrl"/>, so pointing that
    /// at the simulator moves both publishing and analytics there.
    /// </summary>
    public Uri? DiscoveryBaseUrl { get; set; }

    /// <summary>Our business account, through which other accounts are discovered.</summary>
    public string? BusinessAccountId { get; set; }

    public string? DiscoveryAccessToken { get; set; }

    /// <summary>A versioned Graph API call on the publishing host.</summary>
    public Uri GraphUrl(string pathAndQuery) => Url(GraphVersion + "/" + pathAndQuery.TrimStart('/'));

    /// <summary>A versioned Graph API call on the business discovery host.</summary>
    public Uri DiscoveryUrl(string pathAndQuery) => Join(DiscoveryBaseUrl ?? BaseUrl, GraphVersion + "/" + pathAndQuery.TrimStart('/'));
}

/// <summary>YouTube Data API: resumable uploads for publishing, public statistics with an API key for analytics.</summary>
public sealed class YouTubeOptions() : PlatformOptions(new Uri("https://www.googleapis.com/"))
{
    /// <summary>Google's OAuth token endpoint, on its own host.</summary>
    public Uri TokenUrl { get; set; } = new("https://oauth2.googleapis.com/token");

    /// <summary>The Data API key for public statistics (analytics).</summary>
    public string? ApiKey { get; set; }
}
