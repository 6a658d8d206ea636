namespace Genviral.Core.Platforms.Publishing;

/// <summary>
/// Where each platform's API is and the service's own credentials (Platforms:TikTok:BaseUrl and so on). In Azure the
/// base URLs are the real APIs and the secrets are Key Vault references; locally they point at tools/PlatformSimulator.
/// </summary>
public sealed class PlatformsOptions
{
    public const string SectionName = "Platforms";

    public PlatformOptions TikTok { get; set; } = new() { BaseUrl = new Uri("https://open.tiktokapis.com") };

    public PlatformOptions Instagram { get; set; } = new() { BaseUrl = new Uri("https://graph.instagram.com") };

    public PlatformOptions YouTube { get; set; } = new()
    {
        BaseUrl = new Uri("https://www.googleapis.com"),
        TokenUrl = new Uri("https://oauth2.googleapis.com/token"),
    };
}

public sealed class PlatformOptions
{
    public Uri BaseUrl { get; set; } = null!;

    /// <summary>The OAuth token endpoint when it is not on <see cref="BaseUrl"/> (Google's is on its own host).</summary>
    public Uri? TokenUrl { get; set; }

    /// <summary>The app's OAuth client (TikTok client_key, Google client_id), for refreshing BYO tokens.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The service's own access token, used for hosted accounts.</summary>
    public string? HostedAccessToken { get; set; }
}
