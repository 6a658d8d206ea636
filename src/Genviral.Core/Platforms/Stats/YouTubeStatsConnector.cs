using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using Genviral.Core.Accounts;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Stats;

/// <summary>
/// YouTube Data API v3: <c>channels?forHandle=@h&amp;part=snippet,statistics,contentDetails</c>, the uploads playlist
/// through <c>playlistItems</c>, and <c>videos?part=snippet,statistics,contentDetails</c> for per-video counts.
/// </summary>
public sealed class YouTubeStatsConnector(HttpClient http, IOptions<PlatformsOptions> platforms) : IStatsConnector
{
    private const int MaxPageSize = 50;

    public Platform Platform => Platform.Youtube;

    public async Task<ProfileStats> FetchAsync(string handle, int maxPosts, CancellationToken cancellationToken)
    {
        var channels = await GetAsync($"youtube/v3/channels?part=snippet,statistics,contentDetails&forHandle={Uri.EscapeDataString("@" + handle)}", cancellationToken);
        if (channels.Items("items").FirstOrDefault() is not JsonObject channel)
        {
            throw new PlatformStatsException($"YouTube has no channel with handle @{handle}", permanent: true);
        }

        var uploads = channel.String("contentDetails", "relatedPlaylists", "uploads");
        var ids = new List<string>();
        if (uploads is not null)
        {
            var items = await GetAsync($"youtube/v3/playlistItems?part=contentDetails&playlistId={Uri.EscapeDataString(uploads)}&maxResults={Math.Min(maxPosts, MaxPageSize)}", cancellationToken);
            ids.AddRange(items.Items("items").Select(i => i.String("contentDetails", "videoId")).OfType<string>().Take(maxPosts));
        }

        var posts = new List<PlatformPostStats>();
        foreach (var chunk in ids.Chunk(MaxPageSize))
        {
            var videos = await GetAsync($"youtube/v3/videos?part=snippet,statistics,contentDetails&id={Uri.EscapeDataString(string.Join(',', chunk))}", cancellationToken);
            posts.AddRange(videos.Items("items").Select(v =>
            {
                var snippet = v.At("snippet");
                var statistics = v.At("statistics");
                var id = v.String("id") ?? "";
                return new PlatformPostStats(
                    id,
                    DateTimeOffset.Parse(snippet.String("publishedAt") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
                    snippet.String("title"),
                    "https://www.youtube.com/watch?v=" + id,
                    snippet.String("thumbnails", "medium", "url") ?? snippet.String("thumbnails", "default", "url"),
                    v.String("contentDetails", "duration") is { } d ? XmlConvert.ToTimeSpan(d).TotalSeconds : null,
                    statistics.Long("viewCount"),
                    statistics.Long("likeCount"),
                    statistics.Long("commentCount"),
                    0,
                    0);
            }));
        }

        return new ProfileStats(channel.String("snippet", "title"), channel.String("snippet", "thumbnails", "default", "url"),
            channel.Long("statistics", "subscriberCount"), channel.Long("statistics", "viewCount"), posts.Sum(p => p.Likes), posts);
    }

    private async Task<JsonNode> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var o = platforms.Value.YouTube;
        using var request = new HttpRequestMessage(HttpMethod.Get, o.Url(pathAndQuery + "&key=" + Uri.EscapeDataString(o.ApiKey ?? "")));
        return await StatsHttp.SendAsync(http, request, "YouTube", cancellationToken);
    }
}
