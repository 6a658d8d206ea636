using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Genviral.PlatformSimulator.Stats;

/// <summary>
/// The stats subset of the three platforms, read from <see cref="SimulatorState"/>: TikTok Research API
/// (token, user info, video query), Instagram business discovery, YouTube channels / playlistItems / videos.
/// An unknown handle answers as the platform does (4xx with its error body). <c>POST /_sim/stats/profiles</c> and
/// <c>/_sim/stats/videos</c> seed data for tests and the demo; <c>POST /_sim/stats/outages</c> makes a handle's stats
/// answer a status (e.g. 503) until <c>DELETE</c>d.
/// </summary>
public static partial class StatsRoutes
{
    /// <summary>The Instagram business account the simulator answers business discovery for (Platforms:Instagram:BusinessAccountId).</summary>
    public const string InstagramBusinessAccountId = "17841400000000001";

    public static WebApplication MapStats(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<SimulatorState>();
        var outages = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        app.Use(async (context, next) =>
        {
            // An outage answers before any stats route, whatever platform path the handle appears in.
            var handle = await HandleOfAsync(context.Request);
            if (handle is not null && outages.TryGetValue(handle, out var status))
            {
                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(new { error = new { code = "internal_error", message = "Simulated outage" } });
                return;
            }

            await next(context);
        });

        // Answers client_credentials and refresh_token grants alike, so publishing can share this route.
        // The TikTok token endpoint (client_credentials for the Research API) is mapped with the publishing routes,
        // which share it for refresh_token grants.
        app.MapPost("/v2/research/user/info/", async (HttpRequest request) =>
        {
            var username = (await ReadAsync(request)).TryGetProperty("username", out var u) ? u.GetString() ?? "" : "";
            if (!state.Profiles.TryGetValue(SimulatorState.Key("tiktok", username), out var profile))
            {
                return TikTokError(StatusCodes.Status404NotFound, "invalid_params", $"User {username} not found");
            }

            var videos = VideosOf(state, "tiktok", username).ToList();
            return Results.Json(new
            {
                data = new
                {
                    display_name = profile.Handle,
                    avatar_url = $"https://p16.tiktokcdn.example/{profile.UserId}.jpeg",
                    follower_count = profile.Followers,
                    following_count = profile.Following,
                    likes_count = videos.Sum(v => v.Likes),
                    video_count = videos.Count,
                },
                error = new { code = "ok", message = "", log_id = Guid.NewGuid().ToString("N") },
            });
        });
        app.MapPost("/v2/research/video/query/", async (HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            var username = body.GetProperty("query").GetProperty("and")[0].GetProperty("field_values")[0].GetString() ?? "";
            var max = body.TryGetProperty("max_count", out var m) ? m.GetInt32() : 20;
            var from = DateTimeOffset.ParseExact(body.GetProperty("start_date").GetString()!, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var to = DateTimeOffset.ParseExact(body.GetProperty("end_date").GetString()!, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddDays(1);
            var videos = VideosOf(state, "tiktok", username).Where(v => v.PublishedAt >= from && v.PublishedAt < to).Take(max).Select(v => new
            {
                id = long.TryParse(v.Id, out var n) ? (object)n : v.Id,
                create_time = v.PublishedAt.ToUnixTimeSeconds(),
                username = v.Handle,
                video_description = v.Caption,
                view_count = v.Views,
                like_count = v.Likes,
                comment_count = v.Comments,
                share_count = v.Shares,
                video_duration = 30,
            });
            return Results.Json(new
            {
                data = new { videos, cursor = 0, has_more = false, search_id = Guid.NewGuid().ToString("N") },
                error = new { code = "ok", message = "", log_id = Guid.NewGuid().ToString("N") },
            });
        });

        // A literal account id ranks above a publishing route such as /{version}/{container-id}.
        app.MapGet("/{version}/" + InstagramBusinessAccountId, (string fields) =>
        {
            var username = DiscoveryUsername().Match(fields) is { Success: true } match ? match.Groups[1].Value : "";
            var limit = MediaLimit().Match(fields) is { Success: true } l ? int.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture) : 25;
            if (!state.Profiles.TryGetValue(SimulatorState.Key("instagram", username), out var profile))
            {
                return Results.Json(new { error = new { message = $"Invalid user id: {username}", type = "OAuthException", code = 110, error_subcode = 2207013 } },
                    statusCode: StatusCodes.Status400BadRequest);
            }

            var media = VideosOf(state, "instagram", username).Take(limit).Select(v => new
            {
                id = v.Id,
                caption = v.Caption,
                comments_count = v.Comments,
                like_count = v.Likes,
                media_type = "VIDEO",
                media_url = v.Url,
                permalink = $"https://www.instagram.com/reel/{v.Id}/",
                thumbnail_url = $"https://scontent.cdninstagram.example/{v.Id}.jpg",
                timestamp = v.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture),
                view_count = v.Views,
            });
            return Results.Json(new
            {
                business_discovery = new
                {
                    username = profile.Handle,
                    name = profile.Handle,
                    profile_picture_url = $"https://scontent.cdninstagram.example/{profile.UserId}.jpg",
                    followers_count = profile.Followers,
                    media_count = VideosOf(state, "instagram", username).Count(),
                    media = new { data = media },
                    id = profile.UserId,
                },
                id = InstagramBusinessAccountId,
            });
        });

        app.MapGet("/youtube/v3/channels", (string forHandle) =>
        {
            var handle = forHandle.TrimStart('@');
            if (!state.Profiles.TryGetValue(SimulatorState.Key("youtube", handle), out var profile))
            {
                return Results.Json(new { kind = "youtube#channelListResponse", pageInfo = new { totalResults = 0, resultsPerPage = 5 } });
            }

            var videos = VideosOf(state, "youtube", handle).ToList();
            return Results.Json(new
            {
                kind = "youtube#channelListResponse",
                items = new[]
                {
                    new
                    {
                        kind = "youtube#channel",
                        id = profile.UserId,
                        snippet = new { title = profile.Handle, customUrl = "@" + profile.Handle, thumbnails = new { @default = new { url = $"https://yt3.ggpht.example/{profile.UserId}" } } },
                        statistics = new
                        {
                            viewCount = videos.Sum(v => v.Views).ToString(CultureInfo.InvariantCulture),
                            subscriberCount = profile.Followers.ToString(CultureInfo.InvariantCulture),
                            videoCount = videos.Count.ToString(CultureInfo.InvariantCulture),
                        },
                        contentDetails = new { relatedPlaylists = new { uploads = "UU" + profile.Handle } },
                    },
                },
            });
        });
        app.MapGet("/youtube/v3/playlistItems", (string playlistId, int? maxResults) =>
        {
            var handle = playlistId.StartsWith("UU", StringComparison.Ordinal) ? playlistId[2..] : "";
            var items = VideosOf(state, "youtube", handle).Take(maxResults ?? 5)
                .Select(v => new { contentDetails = new { videoId = v.Id, videoPublishedAt = v.PublishedAt } });
            return Results.Json(new { kind = "youtube#playlistItemListResponse", items });
        });
        app.MapGet("/youtube/v3/videos", (string id) =>
        {
            var items = id.Split(',').Select(i => state.Videos.TryGetValue(SimulatorState.Key("youtube", i), out var v) ? v : null).OfType<SimulatedVideo>()
                .Select(v => new
                {
                    kind = "youtube#video",
                    id = v.Id,
                    snippet = new
                    {
                        publishedAt = v.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                        title = v.Caption,
                        thumbnails = new { medium = new { url = $"https://i.ytimg.example/vi/{v.Id}/mqdefault.jpg" } },
                    },
                    statistics = new
                    {
                        viewCount = v.Views.ToString(CultureInfo.InvariantCulture),
                        likeCount = v.Likes.ToString(CultureInfo.InvariantCulture),
                        commentCount = v.Comments.ToString(CultureInfo.InvariantCulture),
                    },
                    contentDetails = new { duration = "PT45S" },
                });
            return Results.Json(new { kind = "youtube#videoListResponse", items });
        });

        app.MapPost("/_sim/stats/profiles", (SimulatedProfile profile) =>
        {
            state.Profiles[SimulatorState.Key(profile.Platform, profile.Handle)] = profile;
            return Results.Ok(profile);
        });
        app.MapPost("/_sim/stats/outages", (SimulatedOutage outage) =>
        {
            outages[outage.Handle] = outage.Status;
            return Results.Ok(outage);
        });
        app.MapDelete("/_sim/stats/outages/{handle}", (string handle) => outages.TryRemove(handle, out _) ? Results.NoContent() : Results.NotFound());
        app.MapPost("/_sim/stats/videos", (SimulatedVideo video) =>
        {
            state.Videos[SimulatorState.Key(video.Platform, video.Id)] = video;
            return Results.Ok(video);
        });
        return app;
    }

    /// <summary>The videos of a handle, newest first, as the platforms list them.</summary>
    private static IEnumerable<SimulatedVideo> VideosOf(SimulatorState state, string platform, string handle) =>
        state.Videos.Values.Where(v => v.Platform == platform && string.Equals(v.Handle, handle, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(v => v.PublishedAt);

    /// <summary>The handle a stats request is about: TikTok's body username, Instagram's discovery username, YouTube's forHandle.</summary>
    private static async Task<string?> HandleOfAsync(HttpRequest request)
    {
        if (request.Path.StartsWithSegments("/v2/research/user/info"))
        {
            request.EnableBuffering();
            var body = await ReadAsync(request);
            request.Body.Position = 0;
            return body.TryGetProperty("username", out var u) ? u.GetString() : null;
        }

        if (request.Query.TryGetValue("fields", out var fields) && DiscoveryUsername().Match(fields.ToString()) is { Success: true } match)
        {
            return match.Groups[1].Value;
        }

        return request.Query.TryGetValue("forHandle", out var forHandle) ? forHandle.ToString().TrimStart('@') : null;
    }

    private static async Task<JsonElement> ReadAsync(HttpRequest request)
    {
        using var document = await JsonDocument.ParseAsync(request.Body);
        return document.RootElement.Clone();
    }

    private static IResult TikTokError(int status, string code, string message) =>
        Results.Json(new { data = new { }, error = new { code, message, log_id = Guid.NewGuid().ToString("N") } }, statusCode: status);

    [GeneratedRegex(@"business_discovery\.username\(([^)]*)\)")]
    private static partial Regex DiscoveryUsername();

    [GeneratedRegex(@"media\.limit\((\d+)\)")]
    private static partial Regex MediaLimit();
}

public sealed record SimulatedOutage(string Handle, int Status);
