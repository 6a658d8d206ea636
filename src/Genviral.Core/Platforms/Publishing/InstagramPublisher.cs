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
/// CAROUSEL for a slideshow), its status_code polled until FINISHED, then media_publish and a permalink lookup. A
/// container an earlier attempt already published answers PUBLISHED, and is not published again.
/// </summary>
internal sealed class InstagramPublisher(HttpClient http, IOptions<PlatformsOptions> platforms, IOptions<PublishingOptions> publishing, TimeProvider time) : IPlatformPublisher
{
    private const string Name = "Instagram";

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
            await request.StartedAsync(containerId, cancellationToken);
        }

        var options = publishing.Value;
        var finished = false;
        for (var poll = 0; poll < options.MaxPolls && !finished; poll++)
        {
            if (poll > 0)
            {
                await Task.Delay(options.PollInterval, time, cancellationToken);
            }

            var (status, failure) = await GetAsync(request.AccessToken, Graph($"{Uri.EscapeDataString(containerId)}?fields=status_code,status"), cancellationToken);
            if (failure is not null)
            {
                return failure;
            }

            switch (status.String("status_code"))
            {
                case "FINISHED":
                    finished = true;
                    break;
                case "ERROR" or "EXPIRED":
                    return PublishOutcome.Permanent($"{Name} could not process the media: {status.String("status") ?? status.String("status_code")}");
                case "PUBLISHED":
                    // An earlier attempt published this container and died before its result was written: it is live, once.
                    // The container does not name the media it became, so the post keeps no platform id.
                    return new PublishOutcome(PublishOutcomeKind.Published, "Published by an earlier attempt", null,
                        $"https://www.instagram.com/{Uri.EscapeDataString(request.Username)}/");
            }
        }

        if (!finished)
        {
            return PublishOutcome.Processing(containerId);
        }

        var (published, publishFailure) = await PostFormAsync(request.AccessToken, Graph($"{user}/media_publish"), new() { ["creation_id"] = containerId }, cancellationToken);
        if (publishFailure is not null)
        {
            return publishFailure;
        }

        var mediaId = published.String("id")!;
        var (media, _) = await GetAsync(request.AccessToken, Graph($"{Uri.EscapeDataString(mediaId)}?fields=permalink"), cancellationToken);
        // The post is live once media_publish answered; a failed permalink lookup must not make it look unpublished.
        var permalink = media.String("permalink") ?? $"https://www.instagram.com/{Uri.EscapeDataString(request.Username)}/";
        return PublishOutcome.Published(mediaId, permalink);
    }

    /// <summary>Instagram refreshes a long-lived token with itself (there is no separate refresh token).</summary>
    public async Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            platforms.Value.Instagram.Url("refresh_access_token?grant_type=ig_refresh_token&access_token=" + Uri.EscapeDataString(credentials.AccessToken)), cancellationToken);
        var body = await PlatformJson.ReadAsync(response, cancellationToken);
        var token = body.String("access_token");
        if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
        {
            return null;
        }

        return credentials with { AccessToken = token, ExpiresAt = PlatformHttp.ExpiresAt(body, time) };
    }

    private async Task<(string? Id, PublishOutcome? Failure)> CreateContainerAsync(PublishRequest request, string user, CancellationToken cancellationToken)
    {
        var path = Graph($"{user}/media");
        if (request.Media.Type == MediaType.Video)
        {
            var (video, failure) = await PostFormAsync(request.AccessToken, path,
                new() { ["media_type"] = "REELS", ["video_url"] = request.Media.Urls[0], ["caption"] = request.Caption }, cancellationToken);
            return (video.String("id"), failure);
        }

        if (request.Media.Urls.Count == 1)
        {
            var (image, failure) = await PostFormAsync(request.AccessToken, path,
                new() { ["image_url"] = request.Media.Urls[0], ["caption"] = request.Caption }, cancellationToken);
            return (image.String("id"), failure);
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

            children.Add(item.String("id")!);
        }

        var (carousel, carouselFailure) = await PostFormAsync(request.AccessToken, path,
            new() { ["media_type"] = "CAROUSEL", ["children"] = string.Join(',', children), ["caption"] = request.Caption }, cancellationToken);
        return (carousel.String("id"), carouselFailure);
    }

    private async Task<(JsonNode? Body, PublishOutcome? Failure)> PostFormAsync(string token, Uri url, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendAsync(request, cancellationToken);
    }

    private async Task<(JsonNode? Body, PublishOutcome? Failure)> GetAsync(string token, Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendAsync(request, cancellationToken);
    }

    private Uri Graph(string pathAndQuery) => platforms.Value.Instagram.GraphUrl(pathAndQuery);

    private async Task<(JsonNode? Body, PublishOutcome? Failure)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await PlatformJson.ReadAsync(response, cancellationToken);
        if (response.IsSuccessStatusCode && body.At("error") is null)
        {
            return (body, null);
        }

        // Graph answers most errors with 400 and says what kind in error.code; trust the code over the status.
        var error = body.At("error");
        var code = error.At("code") is JsonValue c && c.TryGetValue<int>(out var n) ? n : 0;
        var message = $"{Name} returned {(int)response.StatusCode}: {PlatformJson.ErrorMessage(body) ?? response.StatusCode.ToString()}";
        if (TokenErrors.Contains(code))
        {
            return (null, PublishOutcome.Unauthorized(message));
        }

        if (TransientErrors.Contains(code) || error.At("is_transient") is JsonValue t && t.TryGetValue<bool>(out var transient) && transient)
        {
            return (null, PublishOutcome.Transient(message));
        }

        return (null, PlatformHttp.Failure(response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.BadRequest : response.StatusCode, Name, PlatformJson.ErrorMessage(body)));
    }
}
