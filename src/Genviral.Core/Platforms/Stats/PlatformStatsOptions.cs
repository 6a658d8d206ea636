namespace Genviral.Core.Platforms.Stats;

/// <summary>TikTok Research API (client-credentials token). Section Platforms:TikTok.</summary>
public sealed class TikTokStatsOptions
{
    public const string SectionName = "Platforms:TikTok";

    public Uri BaseUrl { get; set; } = new("https://open.tiktokapis.com/");

    public string? ClientKey { get; set; }

    public string? ClientSecret { get; set; }
}

/// <summary>Instagram Graph API business discovery, asked through our own business account. Section Platforms:Instagram.</summary>
public sealed class InstagramStatsOptions
{
    public const string SectionName = "Platforms:Instagram";

    /// <summary>Includes the Graph API version, e.g. https://graph.facebook.com/v21.0/.</summary>
    public Uri BaseUrl { get; set; } = new("https://graph.facebook.com/v21.0/");

    public string? BusinessAccountId { get; set; }

    public string? AccessToken { get; set; }
}

/// <summary>YouTube Data API v3 with an API key (public data only). Section Platforms:YouTube.</summary>
public sealed class YouTubeStatsOptions
{
    public const string SectionName = "Platforms:YouTube";

    public Uri BaseUrl { get; set; } = new("https://www.googleapis.com/");

    public string? ApiKey { get; set; }
}
