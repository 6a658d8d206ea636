using System.Globalization;
using System.Xml;
using Genviral.Core.Accounts;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Stats;

/// <summary>
/// YouTube Data API v3: <c>channels?forHandle=@h&amp;part=snippet,statistics,contentDetails</c>, the uploads playlist
/// through <c>playlistItems</c>, and <c>videos?part=snippet,statistics,contentDetails</c> for per-video counts.
/// </summary>
public sealed class YouTubeStatsConnector(HttpClient http, IOptions<YouTubeStatsOptions> options) : IStatsConnector
{
    private const int MaxPageSize = 50;

    public Platform Platform => Platform.Youtube;

    public async Task<ProfileStats> FetchAsync(string handle, int maxPosts, CancellationToken cancellationToken)
    {
        using var channels = await GetAsync($"youtube/v3/channels?part=snippet,statistics,contentDetails&forHandle={Uri.EscapeDataString("@" + handle)}", cancellationToken);
        var channel = channels.RootElement.Items("items").FirstOrDefault();
        if (channel.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new PlatformStatsException($"YouTube has no channel with handle @{handle}", permanent: true);
        }

        var uploads = channel.Get("contentDetails").Get("relatedPlaylists").Str("uploads");
        var ids = new List<string>();
        if (uploads is not null)
        {
            using var items = await GetAsync($"youtube/v3/playlistItems?part=contentDetails&playlistId={Uri.EscapeDataString(uploads)}&maxResults={Math.Min(maxPosts, MaxPageSize)}", cancellationToken);
            ids.AddRange(items.RootElement.Items("items").Select(i => i.Get("contentDetails").Str("videoId")).OfType<string>().Take(maxPosts));
        }

        var posts = new List<PlatformPostStats>();
        foreach (var chunk in ids.Chunk(MaxPageSize))
        {
            using var videos = await GetAsync($"youtube/v3/videos?part=snippet,statistics,contentDetails&id={Uri.EscapeDataString(string.Join(',', chunk))}", cancellationToken);
            posts.AddRange(videos.RootElement.Items("items").Select(v =>
            {
                var snippet = v.Get("snippet");
                var statistics = v.Get("statistics");
                var id = v.Str("id") ?? "";
                return new PlatformPostStats(
                    id,
                    DateTimeOffset.Parse(snippet.Str("publishedAt") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
                    snippet.Str("title"),
                    "https://www.youtube.com/watch?v=" + id,
                    snippet.Get("thumbnails").Get("medium").Str("url") ?? snippet.Get("thumbnails").Get("default").Str("url"),
                    v.Get("contentDetails").Str("duration") is { } d ? XmlConvert.ToTimeSpan(d).TotalSeconds : null,
                    statistics.Long("viewCount"),
                    statistics.Long("likeCount"),
                    statistics.Long("commentCount"),
                    0,
                    0);
            }));
        }

        var channelStats = channel.Get("statistics");
        return new ProfileStats(channel.Get("snippet").Str("title"), channel.Get("snippet").Get("thumbnails").Get("default").Str("url"),
            channelStats.Long("subscriberCount"), channelStats.Long("viewCount"), posts.Sum(p => p.Likes), posts);
    }

    private async Task<System.Text.Json.JsonDocument> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(o.BaseUrl, pathAndQuery + "&key=" + Uri.EscapeDataString(o.ApiKey ?? "")));
        return await StatsHttp.SendAsync(http, request, "YouTube", cancellationToken);
    }
}
