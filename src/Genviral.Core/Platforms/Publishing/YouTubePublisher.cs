using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Publishing;

/// <summary>
/// YouTube Data API videos.insert as a resumable upload: one POST with the metadata opens an upload session, then
/// one PUT streams the video from our storage straight into it, so the file is never held in memory.
/// </summary>
internal sealed class YouTubePublisher(IHttpClientFactory clients, IOptions<PlatformsOptions> platforms, TimeProvider time) : IPlatformPublisher
{
    public const string ApiClient = "youtube";

    /// <summary>The client for the media download and the upload PUT: long transfers get their own, longer timeout.</summary>
    public const string UploadClient = "youtube-upload";

    private const string Name = "YouTube";

    // quotaExceeded and rateLimitExceeded come as 403 but pass: they are limits, not refusals.
    private static readonly HashSet<string> TransientReasons = ["quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded", "backendError"];

    public Platform Platform => Platform.Youtube;

    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (request.Media.Type != MediaType.Video)
        {
            // Validation refuses slideshows for YouTube targets; a post stored before that rule still must not loop.
            return PublishOutcome.Permanent("YouTube accepts videos only, not slideshows");
        }

        var api = clients.CreateClient(ApiClient);
        var upload = clients.CreateClient(UploadClient);

        using var media = await upload.GetAsync(request.Media.Urls[0], HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!media.IsSuccessStatusCode)
        {
            var outcome = PlatformHttp.Failure(media.StatusCode, "Media storage", null);
            // Our own storage refusing the media is not the account's token being bad.
            return outcome.Kind == PublishOutcomeKind.Unauthorized ? PublishOutcome.Permanent(outcome.Message!) : outcome;
        }

        var contentType = media.Content.Headers.ContentType?.MediaType is { } type && type.StartsWith("video/", StringComparison.Ordinal) ? type : "video/*";
        var metadata = new JsonObject
        {
            ["snippet"] = new JsonObject { ["title"] = Title(request.Caption), ["description"] = request.Caption, ["categoryId"] = "22" },
            ["status"] = new JsonObject { ["privacyStatus"] = "public", ["selfDeclaredMadeForKids"] = false },
        };
        using var start = PlatformHttp.Json(HttpMethod.Post, "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status", request.AccessToken, metadata);
        start.Headers.Add("X-Upload-Content-Type", contentType);
        if (media.Content.Headers.ContentLength is { } length)
        {
            start.Headers.Add("X-Upload-Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var session = await api.SendAsync(start, cancellationToken);
        if (!session.IsSuccessStatusCode || session.Headers.Location is not { } location)
        {
            return await FailureAsync(session, cancellationToken);
        }

        using var put = new HttpRequestMessage(HttpMethod.Put, location.IsAbsoluteUri ? location : new Uri(api.BaseAddress!, location))
        {
            Content = new StreamContent(await media.Content.ReadAsStreamAsync(cancellationToken)),
        };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        put.Content.Headers.ContentLength = media.Content.Headers.ContentLength;
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.AccessToken);
        using var uploaded = await upload.SendAsync(put, cancellationToken);
        if (!uploaded.IsSuccessStatusCode)
        {
            return await FailureAsync(uploaded, cancellationToken);
        }

        var video = await PlatformHttp.ReadJsonAsync(uploaded, cancellationToken);
        var id = PlatformHttp.String(video, "id");
        return id is null
            ? PublishOutcome.Transient($"{Name} answered the upload without a video id")
            : PublishOutcome.Published(id, "https://www.youtube.com/watch?v=" + Uri.EscapeDataString(id));
    }

    public async Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken)
    {
        var options = platforms.Value.YouTube;
        if (credentials.RefreshToken is null)
        {
            return null;
        }

        var api = clients.CreateClient(ApiClient);
        using var response = await api.PostAsync(
            options.TokenUrl ?? new Uri(options.BaseUrl, "/token"),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["client_id"] = options.ClientId ?? "",
                ["client_secret"] = options.ClientSecret ?? "",
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = credentials.RefreshToken,
            }),
            cancellationToken);
        var body = await PlatformHttp.ReadJsonAsync(response, cancellationToken);
        var token = PlatformHttp.String(body, "access_token");
        if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
        {
            return null;
        }

        // Google keeps the refresh token unless it sends a new one.
        var expiresIn = body?["expires_in"] is JsonValue e && e.TryGetValue<long>(out var seconds) ? seconds : (long?)null;
        return credentials with
        {
            AccessToken = token,
            RefreshToken = PlatformHttp.String(body, "refresh_token") ?? credentials.RefreshToken,
            ExpiresAt = expiresIn is { } s ? time.GetUtcNow().AddSeconds(s) : null,
        };
    }

    /// <summary>A title from the caption's first line: required, at most 100 characters, no angle brackets.</summary>
    internal static string Title(string caption)
    {
        var line = caption.Split('\n', 2)[0].Replace("<", "", StringComparison.Ordinal).Replace(">", "", StringComparison.Ordinal).Trim();
        line = line.Length > 100 ? line[..100] : line;
        return line.Length == 0 ? "Video" : line;
    }

    private static async Task<PublishOutcome> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await PlatformHttp.ReadJsonAsync(response, cancellationToken);
        var message = PlatformHttp.String(body, "error", "message");
        var reason = body?["error"]?["errors"] is JsonArray { Count: > 0 } errors ? PlatformHttp.String(errors[0], "reason") : null;
        if (reason is not null && TransientReasons.Contains(reason))
        {
            return PublishOutcome.Transient($"{Name} returned {(int)response.StatusCode}: {message ?? reason} ({reason})");
        }

        return PlatformHttp.Failure(response.IsSuccessStatusCode ? HttpStatusCode.BadGateway : response.StatusCode, Name, message);
    }
}
