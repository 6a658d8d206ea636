using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Genviral.PlatformSimulator.Publishing;

/// <summary>
/// The publishing subset of the three platform APIs, on their documented paths and shapes: TikTok's Content Posting
/// API (PULL_FROM_URL), Instagram's content publishing (containers, media_publish, permalink) and YouTube's resumable
/// videos.insert, plus each platform's token refresh. The simulator really downloads the media it is given, and
/// /_sim/publishing/* lets tests switch failures on and read what was called.
/// </summary>
public static class PublishingRoutes
{
    // One client for the simulator's media downloads, as a real platform's fetcher would have.
    private static readonly HttpClient MediaClient = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static WebApplication MapPublishing(this WebApplication app)
    {
        MapControl(app);
        MapTikTok(app);
        MapInstagram(app);
        MapYouTube(app);
        return app;
    }

    private static PublishingSimulation Sim(HttpContext http) => http.RequestServices.GetRequiredService<SimulatorState>().Publishing;

    private static void MapControl(WebApplication app)
    {
        app.MapPost("/_sim/publishing/failures", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body) ?? new JsonObject();
            Sim(http).InjectFailures(
                body["platform"]!.GetValue<string>(), body["status"]!.GetValue<int>(), body["count"]?.GetValue<int>() ?? 1, body["message"]?.GetValue<string>(),
                body["token"]?.GetValue<string>());
            return Results.NoContent();
        });
        app.MapPost("/_sim/publishing/reject-token", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body) ?? new JsonObject();
            Sim(http).RejectedTokens[body["token"]!.GetValue<string>()] = body["refreshable"]?.GetValue<bool>() ?? false;
            return Results.NoContent();
        });
        app.MapPost("/_sim/publishing/processing-checks/{count:int}", (HttpContext http, int count) =>
        {
            Sim(http).ProcessingChecks = count;
            return Results.NoContent();
        });
        app.MapPost("/_sim/publishing/reset", (HttpContext http) =>
        {
            Sim(http).Reset();
            return Results.NoContent();
        });
        app.MapGet("/_sim/publishing/requests", (HttpContext http) => Results.Json(Sim(http).Requests.ToArray()));
        app.MapGet("/_sim/publishing/published", (HttpContext http) => Results.Json(Sim(http).Published.ToArray()));
        app.MapGet("/_sim/publishing/media-fetches", (HttpContext http) => Results.Json(Sim(http).MediaFetches.ToArray()));

        // Sample media for tests and the local demo: the right magic bytes, padded to ?bytes=N.
        app.MapMethods("/_sim/media/{name}", ["GET", "HEAD"], (string name, int? bytes) =>
        {
            var extension = Path.GetExtension(name).ToLowerInvariant();
            var (type, magic) = extension switch
            {
                ".jpg" or ".jpeg" => ("image/jpeg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }),
                ".png" => ("image/png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }),
                _ => ("video/mp4", "\0\0\0\u0018ftypmp42"u8.ToArray()),
            };
            var content = new byte[Math.Max(magic.Length, Math.Min(bytes ?? 4096, 64 * 1024 * 1024))];
            magic.CopyTo(content, 0);
            return Results.Bytes(content, type);
        });
    }

    private static void MapTikTok(WebApplication app)
    {
        app.MapPost("/v2/post/publish/video/init/", (HttpRequest request) => TikTokInitAsync(request.HttpContext, photo: false));
        app.MapPost("/v2/post/publish/content/init/", (HttpRequest request) => TikTokInitAsync(request.HttpContext, photo: true));
        app.MapPost("/v2/post/publish/status/fetch/", async (HttpContext http) =>
        {
            var (body, failure) = await AcceptAsync(http, "tiktok");
            if (failure is not null)
            {
                return failure;
            }

            var sim = Sim(http);
            if (!sim.Jobs.TryGetValue(body?["publish_id"]?.GetValue<string>() ?? "", out var job))
            {
                return TikTokError(400, "invalid_params", "Unknown publish_id");
            }

            if (job.FailReason is not null)
            {
                return Results.Json(new { data = new { status = "FAILED", fail_reason = job.FailReason }, error = TikTokOk() });
            }

            if (job.Checks++ < sim.ProcessingChecks)
            {
                return Results.Json(new { data = new { status = "PROCESSING_DOWNLOAD" }, error = TikTokOk() });
            }

            job.PublishedId ??= Publish(http, "tiktok", job.Caption, job.Kind, job.MediaUrls, job.Bytes);
            return Results.Json(new { data = new { status = "PUBLISH_COMPLETE", publicaly_available_post_id = new[] { long.Parse(job.PublishedId, CultureInfo.InvariantCulture) } }, error = TikTokOk() });
        });
        app.MapPost("/v2/oauth/token/", async (HttpContext http) =>
        {
            var form = await Record(http, "tiktok");
            if (Form(form, "grant_type") == "client_credentials" && !string.IsNullOrEmpty(Form(form, "client_key")))
            {
                // The Research API's app token, for the analytics stats connector.
                return Results.Json(new { access_token = "clt." + Guid.NewGuid().ToString("N"), expires_in = 7200, token_type = "Bearer" });
            }

            var refresh = Form(form, "refresh_token");
            if (Form(form, "grant_type") != "refresh_token" || Sim(http).IsRejected(refresh) || string.IsNullOrEmpty(Form(form, "client_key")))
            {
                return Results.Json(new { error = "invalid_grant", error_description = "Refresh token is invalid or expired.", log_id = LogId() }, statusCode: 400);
            }

            return Results.Json(new
            {
                access_token = "act." + Guid.NewGuid().ToString("N"),
                expires_in = 86400,
                open_id = "open-" + Guid.NewGuid().ToString("N")[..8],
                refresh_expires_in = 31536000,
                refresh_token = "rft." + Guid.NewGuid().ToString("N"),
                scope = "video.publish",
                token_type = "Bearer",
            });
        });
    }

    private static async Task<IResult> TikTokInitAsync(HttpContext http, bool photo)
    {
        var (body, failure) = await AcceptAsync(http, "tiktok");
        if (failure is not null)
        {
            return failure;
        }

        var source = body?["source_info"];
        if (source?["source"]?.GetValue<string>() != "PULL_FROM_URL")
        {
            return TikTokError(400, "invalid_params", "source_info.source must be PULL_FROM_URL");
        }

        var urls = photo
            ? source["photo_images"]?.AsArray().Select(u => u!.GetValue<string>()).ToList() ?? []
            : [source["video_url"]?.GetValue<string>() ?? ""];
        if (urls.Count == 0 || (photo && body?["media_type"]?.GetValue<string>() != "PHOTO"))
        {
            return TikTokError(400, "invalid_params", "No media to pull");
        }

        var caption = photo ? body?["post_info"]?["description"]?.GetValue<string>() ?? "" : body?["post_info"]?["title"]?.GetValue<string>() ?? "";
        var (bytes, ok) = await FetchAllAsync(Sim(http), urls);
        var id = "v_pub_url~" + Guid.NewGuid().ToString("N");
        Sim(http).Jobs[id] = new SimulatedJob(id, photo ? "photo" : "video", caption, urls, bytes, ok ? null : "url_download_failed");
        return Results.Json(new { data = new { publish_id = id }, error = TikTokOk() });
    }

    private static void MapInstagram(WebApplication app)
    {
        app.MapPost("/{version}/{userId}/media", async (HttpContext http) =>
        {
            var (form, failure) = await AcceptFormAsync(http);
            if (failure is not null)
            {
                return failure;
            }

            var sim = Sim(http);
            var type = Form(form, "media_type");
            var id = NumericId();
            if (type == "CAROUSEL")
            {
                var children = (Form(form, "children") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
                if (children.Length < 2 || children.Any(c => !sim.Jobs.ContainsKey(c)))
                {
                    return GraphError(400, 100, "Invalid parameter: children");
                }

                var items = children.Select(c => sim.Jobs[c]).ToList();
                sim.Jobs[id] = new SimulatedJob(id, "carousel", Form(form, "caption") ?? "", [.. items.SelectMany(i => i.MediaUrls)], items.Sum(i => i.Bytes), null) { Checks = int.MaxValue };
                return Results.Json(new { id });
            }

            var url = type == "REELS" ? Form(form, "video_url") : Form(form, "image_url");
            if (string.IsNullOrEmpty(url) || (type is not null and not "REELS"))
            {
                return GraphError(400, 100, "Invalid parameter: media_type or media URL");
            }

            var (bytes, ok) = await FetchAllAsync(sim, [url]);
            sim.Jobs[id] = new SimulatedJob(id, type == "REELS" ? "reel" : "image", Form(form, "caption") ?? "", [url], bytes, ok ? null : "ERROR")
            {
                // Images are ready at once; a reel is "IN_PROGRESS" for the first status checks.
                Checks = type == "REELS" ? 0 : int.MaxValue,
            };
            return Results.Json(new { id });
        });
        app.MapPost("/{version}/{userId}/media_publish", async (HttpContext http) =>
        {
            var (form, failure) = await AcceptFormAsync(http);
            if (failure is not null)
            {
                return failure;
            }

            if (!Sim(http).Jobs.TryGetValue(Form(form, "creation_id") ?? "", out var job) || job.FailReason is not null)
            {
                return GraphError(400, 9007, "Media ID is not available");
            }

            job.PublishedId ??= Publish(http, "instagram", job.Caption, job.Kind, job.MediaUrls, job.Bytes);
            return Results.Json(new { id = job.PublishedId });
        });
        app.MapGet("/{version}/{id}", async (HttpContext http, string id, string? fields) =>
        {
            var (_, failure) = await AcceptFormAsync(http);
            if (failure is not null)
            {
                return failure;
            }

            var sim = Sim(http);
            if (sim.Jobs.TryGetValue(id, out var job))
            {
                var status = job.FailReason is not null ? "ERROR" : job.PublishedId is not null ? "PUBLISHED" : job.Checks++ < sim.ProcessingChecks ? "IN_PROGRESS" : "FINISHED";
                return Results.Json(new { status_code = status, status = job.FailReason is null ? status : "Error: media could not be fetched", id });
            }

            return sim.Published.FirstOrDefault(p => p.Platform == "instagram" && p.Id == id) is { } item
                ? Results.Json(new { permalink = $"https://www.instagram.com/{(item.Kind == "reel" ? "reel" : "p")}/{item.Id}/", id })
                : GraphError(400, 100, $"Unsupported get request. Object with ID '{id}' does not exist ({fields})");
        });
        app.MapGet("/refresh_access_token", (HttpContext http, [FromQuery(Name = "grant_type")] string? grantType, [FromQuery(Name = "access_token")] string? token) =>
        {
            Record(http, "instagram", "");
            return grantType != "ig_refresh_token" || !Sim(http).IsRefreshable(token)
                ? GraphError(400, 190, "Error validating access token")
                : Results.Json(new { access_token = "IG" + Guid.NewGuid().ToString("N"), token_type = "bearer", expires_in = 5183944 });
        });
    }

    private static void MapYouTube(WebApplication app)
    {
        app.MapPost("/upload/youtube/v3/videos", async (HttpContext http, string? uploadType, string? part) =>
        {
            var (body, failure) = await AcceptAsync(http, "youtube");
            if (failure is not null)
            {
                return failure;
            }

            var title = body?["snippet"]?["title"]?.GetValue<string>();
            if (uploadType != "resumable" || part?.Contains("snippet", StringComparison.Ordinal) != true || string.IsNullOrEmpty(title))
            {
                return YouTubeError(400, "invalidMetadata", "A resumable upload needs part=snippet and a title");
            }

            var id = Guid.NewGuid().ToString("N")[..11];
            long? declared = long.TryParse(http.Request.Headers["X-Upload-Content-Length"], CultureInfo.InvariantCulture, out var n) ? n : null;
            Sim(http).Uploads[id] = new YouTubeUpload(
                id, title, body?["snippet"]?["description"]?.GetValue<string>() ?? "", body?["status"]?["privacyStatus"]?.GetValue<string>() ?? "private",
                http.Request.Headers["X-Upload-Content-Type"], declared);
            http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/upload/youtube/v3/videos?uploadType=resumable&upload_id={id}";
            return Results.Ok();
        });
        app.MapPut("/upload/youtube/v3/videos", async (HttpContext http, [FromQuery(Name = "upload_id")] string? uploadId) =>
        {
            var sim = Sim(http);
            var token = Bearer(http);
            // The body is counted as it streams in, never buffered, as a real upload endpoint would.
            long received = 0;
            var buffer = new byte[81920];
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer)) > 0)
            {
                received += read;
            }

            Record(http, "youtube", $"<{received} bytes>");
            if (sim.IsRejected(token))
            {
                return YouTubeError(401, "authError", "Invalid Credentials");
            }

            if (sim.NextFailure("youtube", token) is { } injected)
            {
                return YouTubeError(injected.Status, Reason(injected.Status), injected.Message);
            }

            if (!sim.Uploads.TryRemove(uploadId ?? "", out var upload))
            {
                return YouTubeError(404, "notFound", "Upload session not found");
            }

            if (upload.DeclaredLength is { } declared && declared != received)
            {
                return YouTubeError(400, "badContent", $"Declared {declared} bytes, received {received}");
            }

            Publish(http, "youtube", upload.Description, "video", [], received, upload.Id);
            return Results.Json(new
            {
                kind = "youtube#video",
                id = upload.Id,
                snippet = new { title = upload.Title, description = upload.Description },
                status = new { uploadStatus = "uploaded", privacyStatus = upload.PrivacyStatus },
            });
        });
        app.MapPost("/token", async (HttpContext http) =>
        {
            var form = await Record(http, "youtube");
            var refresh = Form(form, "refresh_token");
            return Form(form, "grant_type") != "refresh_token" || Sim(http).IsRejected(refresh) || string.IsNullOrEmpty(Form(form, "client_id"))
                ? Results.Json(new { error = "invalid_grant", error_description = "Token has been expired or revoked." }, statusCode: 400)
                : Results.Json(new { access_token = "ya29." + Guid.NewGuid().ToString("N"), expires_in = 3599, scope = "https://www.googleapis.com/auth/youtube.upload", token_type = "Bearer" });
        });
    }

    /// <summary>Records a JSON call, then applies the token check and any injected failure, in the platform's error shape.</summary>
    private static async Task<(JsonNode? Body, IResult? Failure)> AcceptAsync(HttpContext http, string platform)
    {
        var text = await Record(http, platform);
        JsonNode? body;
        try
        {
            body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return (null, platform == "tiktok" ? TikTokError(400, "invalid_params", "Malformed JSON") : YouTubeError(400, "parseError", "Parse Error"));
        }

        var sim = Sim(http);
        if (sim.IsRejected(Bearer(http)))
        {
            return (null, platform == "tiktok"
                ? TikTokError(401, "access_token_invalid", "The access token is invalid or not found in the request.")
                : YouTubeError(401, "authError", "Invalid Credentials"));
        }

        if (sim.NextFailure(platform, Bearer(http)) is { } injected)
        {
            return (null, platform == "tiktok" ? TikTokError(injected.Status, TikTokCode(injected.Status), injected.Message) : YouTubeError(injected.Status, Reason(injected.Status), injected.Message));
        }

        return (body, null);
    }

    private static async Task<(Dictionary<string, string> Form, IResult? Failure)> AcceptFormAsync(HttpContext http)
    {
        var text = await Record(http, "instagram");
        var form = text.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);
        var sim = Sim(http);
        if (sim.IsRejected(Bearer(http)))
        {
            return (form, GraphError(400, 190, "Error validating access token: Session has expired"));
        }

        if (sim.NextFailure("instagram", Bearer(http)) is { } injected)
        {
            var code = injected.Status switch { 429 => 4, >= 500 => 2, 401 => 190, _ => 100 };
            return (form, GraphError(injected.Status, code, injected.Message));
        }

        return (form, null);
    }

    private static async Task<string> Record(HttpContext http, string platform)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        Record(http, platform, text);
        return text;
    }

    private static void Record(HttpContext http, string platform, string body) =>
        Sim(http).Requests.Enqueue(new RecordedRequest(
            platform,
            http.Request.Method,
            http.Request.Path + http.Request.QueryString,
            http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
            http.Request.ContentType,
            body,
            http.Request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

    private static Dictionary<string, string> FormOf(string text) =>
        text.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);

    private static string? Form(string text, string key) => FormOf(text).GetValueOrDefault(key);

    private static string? Form(Dictionary<string, string> form, string key) => form.GetValueOrDefault(key);

    private static string? Bearer(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer ", StringComparison.Ordinal) ? h["Bearer ".Length..] : null;

    /// <summary>Downloads every URL as the platform would, recording the size; false when any download fails.</summary>
    private static async Task<(long Bytes, bool Ok)> FetchAllAsync(PublishingSimulation sim, IReadOnlyList<string> urls)
    {
        long total = 0;
        var ok = true;
        foreach (var url in urls)
        {
            try
            {
                using var response = await MediaClient.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                long size = 0;
                if (response.IsSuccessStatusCode)
                {
                    await using var stream = await response.Content.ReadAsStreamAsync();
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await stream.ReadAsync(buffer)) > 0)
                    {
                        size += read;
                    }
                }

                sim.MediaFetches.Enqueue(new MediaFetch(url, (int)response.StatusCode, size));
                ok &= response.IsSuccessStatusCode;
                total += size;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                sim.MediaFetches.Enqueue(new MediaFetch(url, 0, 0));
                ok = false;
            }
        }

        return (total, ok);
    }

    /// <summary>Adds the published item to the publishing log and, as a video, to the shared state analytics reads.</summary>
    private static string Publish(HttpContext http, string platform, string caption, string kind, IReadOnlyList<string> mediaUrls, long bytes, string? id = null)
    {
        id ??= NumericId();
        var state = http.RequestServices.GetRequiredService<SimulatorState>();
        state.Publishing.Published.Enqueue(new PublishedItem(platform, id, caption, kind, mediaUrls, bytes));
        var url = platform switch
        {
            "tiktok" => $"https://www.tiktok.com/video/{id}",
            "instagram" => $"https://www.instagram.com/p/{id}/",
            _ => $"https://www.youtube.com/watch?v={id}",
        };
        state.Videos[SimulatorState.Key(platform, id)] = new SimulatedVideo(platform, id, "", url, caption, DateTimeOffset.UtcNow, 0, 0, 0, 0);
        return id;
    }

    private static string NumericId() => (7_000_000_000_000_000_000L + Random.Shared.NextInt64(1_000_000_000_000_000_000L)).ToString(CultureInfo.InvariantCulture);

    private static string LogId() => Guid.NewGuid().ToString("N");

    private static object TikTokOk() => new { code = "ok", message = "", log_id = LogId() };

    private static string TikTokCode(int status) => status switch
    {
        429 => "rate_limit_exceeded",
        401 => "access_token_invalid",
        403 => "scope_not_authorized",
        >= 500 => "internal_error",
        _ => "invalid_params",
    };

    private static IResult TikTokError(int status, string code, string message) =>
        Results.Json(new { data = new { }, error = new { code, message, log_id = LogId() } }, statusCode: status);

    private static IResult GraphError(int status, int code, string message) =>
        Results.Json(new { error = new { message, type = code == 190 ? "OAuthException" : "GraphMethodException", code, is_transient = code is 1 or 2, fbtrace_id = LogId() } }, statusCode: status);

    private static string Reason(int status) => status switch
    {
        429 => "rateLimitExceeded",
        401 => "authError",
        403 => "forbidden",
        >= 500 => "backendError",
        _ => "invalidMetadata",
    };

    private static IResult YouTubeError(int status, string reason, string message) =>
        Results.Json(new { error = new { code = status, message, errors = new[] { new { message, domain = "youtube.video", reason } } } }, statusCode: status);
}
