using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Publishing;

/// <summary>
/// TikTok Content Posting API, direct post: video/init (one video) or content/init (photo mode) with PULL_FROM_URL, so
/// TikTok fetches the media from our storage itself, then status/fetch until PUBLISH_COMPLETE or FAILED.
/// </summary>
internal sealed class TikTokPublisher(HttpClient http, IOptions<PlatformsOptions> platforms, IOptions<PublishingOptions> publishing, TimeProvider time) : IPlatformPublisher
{
    private const string Name = "TikTok";

    public Platform Platform => Platform.Tiktok;

    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var publishId = request.JobId;
        if (publishId is null)
        {
            var (outcome, id) = await InitAsync(request, cancellationToken);
            if (outcome is not null)
            {
                return outcome;
            }

            publishId = id!;
            // TikTok publishes a PULL_FROM_URL post on its own once initiated: from here a second init would publish it twice.
            await request.StartedAsync(publishId, cancellationToken);
        }

        var options = publishing.Value;
        for (var poll = 0; poll < options.MaxPolls; poll++)
        {
            if (poll > 0)
            {
                await Task.Delay(options.PollInterval, time, cancellationToken);
            }

            using var status = PlatformHttp.Json(HttpMethod.Post, platforms.Value.TikTok.Url("v2/post/publish/status/fetch/"), request.AccessToken, new JsonObject { ["publish_id"] = publishId });
            using var response = await http.SendAsync(status, cancellationToken);
            var body = await PlatformJson.ReadAsync(response, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return PlatformHttp.Failure(response.StatusCode, Name, ErrorMessage(body));
            }

            switch (body.String("data", "status"))
            {
                case "PUBLISH_COMPLETE":
                    var postId = body.Items("data", "publicaly_available_post_id").FirstOrDefault().String() ?? publishId;
                    var kind = request.Media.Type == MediaType.Slideshow ? "photo" : "video";
                    return PublishOutcome.Published(postId, $"https://www.tiktok.com/@{Uri.EscapeDataString(request.Username)}/{kind}/{postId}");
                case "FAILED":
                    // TikTok's fail reasons (file_format_check_failed, duration_check_failed, picture_size_check_failed, …) describe the media.
                    return PublishOutcome.Permanent($"{Name} failed the post: {body.String("data", "fail_reason") ?? "unknown reason"}");
            }
        }

        return PublishOutcome.Processing(publishId);
    }

    public Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken)
    {
        var options = platforms.Value.TikTok;
        return PlatformHttp.RefreshAsync(
            http,
            options.TokenUrl,
            new Dictionary<string, string> { ["client_key"] = options.ClientId ?? "", ["client_secret"] = options.ClientSecret ?? "" },
            credentials,
            time,
            cancellationToken);
    }

    private async Task<(PublishOutcome? Failure, string? PublishId)> InitAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var (path, body) = request.Media.Type == MediaType.Video
            ? ("v2/post/publish/video/init/", new JsonObject
            {
                ["post_info"] = new JsonObject { ["title"] = request.Caption, ["privacy_level"] = "PUBLIC_TO_EVERYONE" },
                ["source_info"] = new JsonObject { ["source"] = "PULL_FROM_URL", ["video_url"] = request.Media.Urls[0] },
            })
            : ("v2/post/publish/content/init/", new JsonObject
            {
                // Photo titles are short (90 characters); the caption goes in the description.
                ["post_info"] = new JsonObject
                {
                    ["title"] = request.Caption.Length > 90 ? request.Caption[..90] : request.Caption,
                    ["description"] = request.Caption,
                    ["privacy_level"] = "PUBLIC_TO_EVERYONE",
                },
                ["source_info"] = new JsonObject
                {
                    ["source"] = "PULL_FROM_URL",
                    ["photo_cover_index"] = 0,
                    ["photo_images"] = new JsonArray([.. request.Media.Urls.Select(u => (JsonNode)JsonValue.Create(u))]),
                },
                ["post_mode"] = "DIRECT_POST",
                ["media_type"] = "PHOTO",
            });
        using var init = PlatformHttp.Json(HttpMethod.Post, platforms.Value.TikTok.Url(path), request.AccessToken, body);
        using var response = await http.SendAsync(init, cancellationToken);
        var answer = await PlatformJson.ReadAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // TikTok sends an invalid or expired token as 401 access_token_invalid.
            return (PlatformHttp.Failure(response.StatusCode, Name, ErrorMessage(answer)), null);
        }

        var publishId = answer.String("data", "publish_id");
        return publishId is null
            ? (PublishOutcome.Transient($"{Name} init answered {(int)response.StatusCode} without a publish_id"), null)
            : (null, publishId);
    }

    private static string? ErrorMessage(JsonNode? body) =>
        PlatformJson.ErrorMessage(body) is { } message
            ? $"{message} ({body.String("error", "code")})"
            : body.String("error", "code");
}
