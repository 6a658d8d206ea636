using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Stats;

/// <summary>
/// TikTok Research API: <c>POST /v2/oauth/token/</c> (client_credentials), <c>POST /v2/research/user/info/</c> for the
/// profile and <c>POST /v2/research/video/query/</c> for the videos of the last 30 days (the API's widest window).
/// </summary>
public sealed class TikTokStatsConnector(HttpClient http, IOptions<PlatformsOptions> platforms, TimeProvider time) : IStatsConnector
{
    private const string UserFields = "display_name,avatar_url,follower_count,following_count,likes_count,video_count";
    private const string VideoFields = "id,create_time,username,video_description,view_count,like_count,comment_count,share_count,video_duration";

    public Platform Platform => Platform.Tiktok;

    public async Task<ProfileStats> FetchAsync(string handle, int maxPosts, CancellationToken cancellationToken)
    {
        var o = platforms.Value.TikTok;
        var token = await TokenAsync(o, cancellationToken);

        using var userRequest = Post(o.Url("v2/research/user/info/?fields=" + UserFields), token, new JsonObject { ["username"] = handle });
        var profile = (await StatsHttp.SendAsync(http, userRequest, "TikTok", cancellationToken)).At("data");

        var today = time.GetUtcNow().UtcDateTime.Date;
        var query = new JsonObject
        {
            ["query"] = new JsonObject
            {
                ["and"] = new JsonArray(new JsonObject
                {
                    ["operation"] = "IN",
                    ["field_name"] = "username",
                    ["field_values"] = new JsonArray(handle),
                }),
            },
            ["start_date"] = today.AddDays(-29).ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["end_date"] = today.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["max_count"] = maxPosts,
        };
        using var videoRequest = Post(o.Url("v2/research/video/query/?fields=" + VideoFields), token, query);
        var videos = await StatsHttp.SendAsync(http, videoRequest, "TikTok", cancellationToken);
        var posts = videos.Items("data", "videos").Take(maxPosts).Select(v => new PlatformPostStats(
            v.String("id") ?? "",
            DateTimeOffset.FromUnixTimeSeconds(v.Long("create_time")),
            v.String("video_description"),
            $"https://www.tiktok.com/@{handle}/video/{v.String("id")}",
            null,
            v.Long("video_duration"),
            v.Long("view_count"),
            v.Long("like_count"),
            v.Long("comment_count"),
            v.Long("share_count"),
            0)).ToList();

        // The profile has total likes but no total views; views are the sum over the videos read.
        return new ProfileStats(profile.String("display_name"), profile.String("avatar_url"), profile.Long("follower_count"),
            posts.Sum(p => p.Views), profile.Long("likes_count"), posts);
    }

    private async Task<string> TokenAsync(TikTokOptions o, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, o.TokenUrl)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_key"] = o.ClientId ?? "",
                ["client_secret"] = o.ClientSecret ?? "",
                ["grant_type"] = "client_credentials",
            }),
        };
        var token = await StatsHttp.SendAsync(http, request, "TikTok", cancellationToken);
        return token.String("access_token") ?? throw new PlatformStatsException("TikTok returned no access token", permanent: true);
    }

    private static HttpRequestMessage Post(Uri uri, string token, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
