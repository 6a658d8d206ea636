using Genviral.Core.Accounts;
using Genviral.Core.Media;

namespace Genviral.Core.Posts;

/// <summary>A rule a post breaks, named by the request field it concerns.</summary>
public sealed record RuleIssue(string Field, string Message);

/// <summary>An account a post targets, as the content rules see it.</summary>
public sealed record PostTarget(string AccountId, Platform Platform, AccountType Type)
{
    public static PostTarget From(SocialAccount account) => new(account.Id, account.Platform, account.Type);

    public static PostTarget From(AccountState state) => new(state.AccountId, state.Platform, state.Type);
}

/// <summary>The content rules of section 4 of the contract, independent of HTTP and storage.</summary>
public static class PostRules
{
    public const int MaxAccounts = 10;
    public const int MaxSlideshowImages = 35;
    public const int MaxUrlLength = 2048;
    public const int MaxExternalIdLength = 128;
    public const int HostedCaptionLimit = 500;

    /// <summary>Requests this close to now are "as soon as possible"; clocks of callers and servers never agree exactly.</summary>
    public static readonly TimeSpan ImmediateWindow = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(365);

    private static readonly HashSet<string> VideoExtensions = [".mp4", ".mov", ".m4v", ".avi"];
    private static readonly HashSet<string> ImageExtensions = [".jpg", ".jpeg", ".png"];

    // Extensions that name some other kind of file: a video URL ending in .png is a mistake we can see now.
    private static readonly HashSet<string> OtherMediaExtensions =
        [".gif", ".webp", ".heic", ".bmp", ".tif", ".tiff", ".svg", ".mkv", ".webm", ".wmv", ".flv", ".mp3", ".wav", ".m4a", ".aac", ".ogg", ".pdf", ".zip"];

    public static int CaptionLimit(Platform platform, AccountType type) =>
        type == AccountType.Hosted ? HostedCaptionLimit : platform == Platform.Youtube ? 5000 : 2200;

    /// <summary>Content rules that hold for a post's targets: caption per account, music only on TikTok, no slideshows on YouTube.</summary>
    public static List<RuleIssue> CheckTargets(string caption, PostMedia media, string? musicUrl, IReadOnlyList<PostTarget> accounts)
    {
        var issues = new List<RuleIssue>();
        foreach (var account in accounts)
        {
            var limit = CaptionLimit(account.Platform, account.Type);
            if (caption.Length > limit)
            {
                issues.Add(new("caption", $"Caption is {caption.Length} characters; account {account.AccountId} ({account.Platform.ToWire()} {account.Type.ToWire()}) allows {limit}"));
            }

            if (media.Type == MediaType.Slideshow && account.Platform == Platform.Youtube)
            {
                issues.Add(new("media", $"Account {account.AccountId} is a YouTube account; YouTube accepts videos only, not slideshows"));
            }
        }

        if (musicUrl is not null && accounts.FirstOrDefault(a => a.Platform != Platform.Tiktok) is { } other)
        {
            issues.Add(new("music_url", $"music_url is for TikTok only; account {other.AccountId} is a {other.Platform.ToWire()} account"));
        }

        return issues;
    }

    /// <summary>Checks one media URL: absolute http(s), bounded length, no IP literal the address rule refuses, extension fitting the media type.</summary>
    public static string? CheckMediaUrl(string url, MediaType type, MediaAddressRule addresses)
    {
        if (url.Length > MaxUrlLength)
        {
            return $"URL is longer than {MaxUrlLength} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            return "URL must be an absolute http or https URL";
        }

        if (addresses.RefusesLiteral(uri))
        {
            return "URL host must not be a private, loopback or link-local address";
        }

        var extension = Path.GetExtension(uri.AbsolutePath).ToLowerInvariant();
        var wrong = type == MediaType.Video
            ? ImageExtensions.Contains(extension) || OtherMediaExtensions.Contains(extension)
            : VideoExtensions.Contains(extension) || OtherMediaExtensions.Contains(extension);
        return wrong
            ? type == MediaType.Video
                ? $"A video must be MP4, MOV, M4V or AVI, not {extension}"
                : $"Slideshow images must be JPG, JPEG or PNG, not {extension}"
            : null;
    }

    /// <summary>A TikTok video URL on tiktok.com over https.</summary>
    public static bool IsTikTokUrl(string url) =>
        url.Length <= MaxUrlLength
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && (uri.Host.Equals("tiktok.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".tiktok.com", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Where a requested time puts the post: null or within 30 s → pending with no stored time; later → scheduled.
    /// More than 30 s in the past or more than 365 days ahead is an error message.
    /// </summary>
    public static (PostStatus Status, DateTimeOffset? ScheduledAt, string? Error) Schedule(DateTimeOffset? requested, DateTimeOffset now)
    {
        if (requested is not { } at)
        {
            return (PostStatus.Pending, null, null);
        }

        if (at < now - ImmediateWindow)
        {
            return (PostStatus.Pending, null, "scheduled_at is in the past");
        }

        if (at > now + MaxScheduleAhead)
        {
            return (PostStatus.Pending, null, "scheduled_at is more than 365 days ahead");
        }

        return at <= now + ImmediateWindow ? (PostStatus.Pending, null, null) : (PostStatus.Scheduled, at.ToUniversalTime(), null);
    }
}
