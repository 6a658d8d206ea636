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

    /// <summary>
    /// Includes the Graph API version, e.g. https://graph.facebook.com/v21.0/. Business discovery is on the Facebook
    /// Graph host, unlike publishing with Instagram Login (Platforms:Instagram:BaseUrl), so it has a setting of its own.
    /// </summary>
    public Uri DiscoveryBaseUrl { get; set; } = new("https://graph.facebook.com/v21.0/");

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
