namespace Genviral.Core.Platforms.Stats;

/// <summary>TikTok Research API (client-credentials token). Section Platforms:TikTok.</summary>
public sealed class TikTokStatsOptions
{
    public const string SectionName = "Platforms:TikTok";

    public Uri BaseUrl { get; set; } = new("https://open.tiktokapis.com/");

    /// <summary>The TikTok app's client_key: the same app (and setting) that refreshes BYO tokens for publishing.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }
}

/// <summary>Instagram Graph API business discovery, asked through our own business account. Section Platforms:Instagram.</summary>
public sealed class InstagramStatsOptions
{
    public const string SectionName = "Platforms:Instagram";

    /// <summary>The Instagram API publishing uses (Platforms:Instagram:BaseUrl).</summary>
    public Uri BaseUrl { get; set; } = new("https://graph.instagram.com/");

    /// <summary>
    /// Business discovery's Graph API root with its version, e.g. https://graph.facebook.com/v21.0/ in Azure: it is on
    /// the Facebook Graph host, unlike publishing with Instagram Login. Unset, it is <see cref="BaseUrl"/> plus the
    /// version, so pointing Platforms:Instagram:BaseUrl at the simulator moves both publishing and analytics there.
    /// </summary>
    public Uri? DiscoveryBaseUrl { get; set; }

    public Uri DiscoveryEndpoint => DiscoveryBaseUrl ?? new Uri(BaseUrl, "v21.0/");

    public string? BusinessAccountId { get; set; }

    public string? DiscoveryAccessToken { get; set; }
}

/// <summary>YouTube Data API v3 with an API key (public data only). Section Platforms:YouTube.</summary>
public sealed class YouTubeStatsOptions
{
    public const string SectionName = "Platforms:YouTube";

    public Uri BaseUrl { get; set; } = new("https://www.googleapis.com/");

    public string? ApiKey { get; set; }
}
