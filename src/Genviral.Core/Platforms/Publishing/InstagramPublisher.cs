using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Publishing;

/// <summary>
/// Instagram Graph API content publishing: a media container (REELS for a video, an image, or image items plus a
/// CAROUSEL for a slideshow), its status_code polled until FINISHED, then media_publish and a permalink lookup.
/// </summary>
internal sealed class InstagramPublisher(HttpClient http, IOptions<PublishingOptions> publishing, TimeProvider time) : IPlatformPublisher
{
    private const string Name = "Instagram";

    // The Graph API version every path is pinned to: a new version can change shapes, so it moves on purpose.
    private const string Version = "v21.0";

    // Graph error codes: 190 invalid/expired token; 4, 17, 32, 613 rate limits; 1 and 2 temporary service errors.
    private static readonly HashSet<int> TokenErrors = [190];
    private static readonly HashSet<int> TransientErrors = [1, 2, 4, 17, 32, 341, 613];

    public Platform Platform => Platform.Instagram;

    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var user = Uri.EscapeDataString(request.PlatformUserId);
        var containerId = request.JobId;
        if (containerId is null)
        {
            var created = await CreateContainerAsync(request, user, cancellationToken);
            if (created.Failure is not null)
            {
                return created.Failure;
            }

            containerId = created.Id!;
        }

        var options = publishing.Value;
        var finished = false;
        for (var poll = 0; poll < options.MaxPolls && !finished; poll++)
        {
            if (poll > 0)
            {
                await Task.Delay(options.PollInterval, time, cancellationToken);
            }

            var (status, failure) = await GetAsync(request.AccessToken, $"/{Version}/{Uri.EscapeDataString(containerId)}?fields=status_code,status", cancellationToken);
            if (failure is not null)
            {
                return failure;
            }

            switch (PlatformHttp.String(status, "status_code"))
            {
                case "FINISHED":
                    finished = true;
                    break;
                case "ERROR" or "EXPIRED":
                    return PublishOutcome.Permanent($"{Name} could not process the media: {PlatformHttp.String(status, "status") ?? PlatformHttp.String(status, "status_code")}");
            }
        }

        if (!finished)
        {
            return PublishOutcome.Processing(containerId);
        }

        var (published, publishFailure) = await PostFormAsync(request.AccessToken, $"/{Version}/{user}/media_publish", new() { ["creation_id"] = containerId }, cancellationToken);
        if (publishFailure is not null)
        {
            return publishFailure;
        }

        var mediaId = PlatformHttp.String(published, "id")!;
        var (media, _) = await GetAsync(request.AccessToken, $"/{Version}/{Uri.EscapeDataString(mediaId)}?fields=permalink", cancellationToken);
        // The post is live once media_publish answered; a failed permalink lookup must not make it look unpublished.
        var permalink = PlatformHttp.String(media, "permalink") ?? $"https://www.instagram.com/{Uri.EscapeDataString(request.Username)}/";
        return PublishOutcome.Published(mediaId, permalink);
    }

    /// <summary>Instagram refreshes a long-lived token with itself (there is no separate refresh token).</summary>
    public async Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            "/refresh_access_token?grant_type=ig_refresh_token&access_token=" + Uri.EscapeDataString(credentials.AccessToken), cancellationToken);
        var body = await PlatformHttp.ReadJsonAsync(response, cancellationToken);
        var token = PlatformHttp.String(body, "access_token");
        if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
        {
            return null;
        }

        var expiresIn = body?["expires_in"] is JsonValue e && e.TryGetValue<long>(out var seconds) ? seconds : (long?)null;
        return credentials with { AccessToken = token, ExpiresAt = expiresIn is { } s ? time.GetUtcNow().AddSeconds(s) : null };
    }

    private async Task<(string? Id, PublishOutcome? Failure)> CreateContainerAsync(PublishRequest request, string user, CancellationToken cancellationToken)
    {
        var path = $"/{Version}/{user}/media";
        if (request.Media.Type == MediaType.Video)
        {
            var (video, failure) = await PostFormAsync(request.AccessToken, path,
                new() { ["media_type"] = "REELS", ["video_url"] = request.Media.Urls[0], ["caption"] = request.Caption }, cancellationToken);
            return (PlatformHttp.String(video, "id"), failure);
        }

        if (request.Media.Urls.Count == 1)
        {
            var (image, failure) = await PostFormAsync(request.AccessToken, path,
                new() { ["image_url"] = request.Media.Urls[0], ["caption"] = request.Caption }, cancellationToken);
            return (PlatformHttp.String(image, "id"), failure);
        }

        // Instagram carousels hold at most 10 items; the rest of a longer slideshow is left out.
        var children = new List<string>();
        foreach (var url in request.Media.Urls.Take(10))
        {
            var (item, failure) = await PostFormAsync(request.AccessToken, path, new() { ["image_url"] = url, ["is_carousel_item"] = "true" }, cancellationToken);
            if (failure is not null)
            {
                return (null, failure);
            }

            children.Add(PlatformHttp.String(item, "id")!);
        }

        var (carousel, carouselFailure) = await PostFormAsync(request.AccessToken, path,
            new() { ["media_type"] = "CAROUSEL", ["children"] = string.Join(',', children), ["caption"] = request.Caption }, cancellationToken);
        return (PlatformHttp.String(carousel, "id"), carouselFailure);
    }

    private async Task<(JsonNode? Body, PublishOutcome? Failure)> PostFormAsync(string token, string path, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendAsync(request, cancellationToken);
    }

    private async Task<(JsonNode? Body, PublishOutcome? Failure)> GetAsync(string token, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendAsync(request, cancellationToken);
    }

    private async Task<(JsonNode? Body, PublishOutcome? Failure)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await PlatformHttp.ReadJsonAsync(response, cancellationToken);
        if (response.IsSuccessStatusCode && body?["error"] is null)
        {
            return (body, null);
        }

        // Graph answers most errors with 400 and says what kind in error.code; trust the code over the status.
        var error = body?["error"];
        var code = error?["code"] is JsonValue c && c.TryGetValue<int>(out var n) ? n : 0;
        var message = $"{Name} returned {(int)response.StatusCode}: {PlatformHttp.String(error, "message") ?? response.StatusCode.ToString()}";
        if (TokenErrors.Contains(code))
        {
            return (null, PublishOutcome.Unauthorized(message));
        }

        if (TransientErrors.Contains(code) || error?["is_transient"] is JsonValue t && t.TryGetValue<bool>(out var transient) && transient)
        {
            return (null, PublishOutcome.Transient(message));
        }

        return (null, PlatformHttp.Failure(response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.BadRequest : response.StatusCode, Name, PlatformHttp.String(error, "message")));
    }
}
