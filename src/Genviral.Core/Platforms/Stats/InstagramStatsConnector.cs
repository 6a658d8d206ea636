using System.Globalization;
using System.Text.RegularExpressions;
using Genviral.Core.Accounts;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Stats;

/// <summary>
/// Instagram Graph API business discovery: <c>GET /{ig-user-id}?fields=business_discovery.username(h){…}</c> reads
/// another professional account's followers and recent media through our own business account.
/// </summary>
public sealed partial class InstagramStatsConnector(HttpClient http, IOptions<PlatformsOptions> platforms) : IStatsConnector
{
    public Platform Platform => Platform.Instagram;

    public async Task<ProfileStats> FetchAsync(string handle, int maxPosts, CancellationToken cancellationToken)
    {
        var o = platforms.Value.Instagram;
        var fields = $"business_discovery.username({handle}){{username,name,profile_picture_url,followers_count,media_count," +
            $"media.limit({maxPosts}){{id,caption,comments_count,like_count,media_type,media_url,permalink,thumbnail_url,timestamp,view_count}}}}";
        var uri = o.DiscoveryUrl($"{Uri.EscapeDataString(o.BusinessAccountId ?? "")}?fields={Uri.EscapeDataString(fields)}&access_token={Uri.EscapeDataString(o.DiscoveryAccessToken ?? "")}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var account = (await StatsHttp.SendAsync(http, request, "Instagram", cancellationToken)).At("business_discovery");
        var posts = account.Items("media", "data").Take(maxPosts).Select(m => new PlatformPostStats(
            m.String("id") ?? "",
            ParseTime(m.String("timestamp")),
            m.String("caption"),
            m.String("permalink"),
            m.String("thumbnail_url") ?? m.String("media_url"),
            null,
            m.Long("view_count"),
            m.Long("like_count"),
            m.Long("comments_count"),
            0,
            0)).Where(p => p.PlatformPostId.Length > 0).ToList();
        return new ProfileStats(account.String("name"), account.String("profile_picture_url"), account.Long("followers_count"),
            posts.Sum(p => p.Views), posts.Sum(p => p.Likes), posts);
    }

    /// <summary>Graph API timestamps look like 2026-11-20T10:00:00+0000 (no colon in the offset).</summary>
    private static DateTimeOffset ParseTime(string? text)
    {
        var fixedOffset = text is null ? null : OffsetWithoutColon().Replace(text, "$1:$2");
        return DateTimeOffset.TryParse(fixedOffset, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : throw new PlatformStatsException($"Instagram sent an unreadable timestamp '{text}'", permanent: true);
    }

    [GeneratedRegex(@"([+-]\d{2})(\d{2})$")]
    private static partial Regex OffsetWithoutColon();
}
