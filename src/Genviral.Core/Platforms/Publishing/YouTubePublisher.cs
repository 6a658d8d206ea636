using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Platforms.Publishing;

/// <summary>
/// YouTube Data API videos.insert as a resumable upload: one POST with the metadata opens an upload session, then
/// one PUT streams the video from our storage straight into it, so the file is never held in memory.
/// </summary>
internal sealed class YouTubePublisher(
    IHttpClientFactory clients, MediaHttp mediaHttp, StorageClients storage, IOptions<PlatformsOptions> platforms, TimeProvider time) : IPlatformPublisher
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

        VideoSource video;
        try
        {
            video = await OpenAsync(request, cancellationToken);
        }
        catch (MediaFailureException e)
        {
            return PublishOutcome.Permanent($"The video could not be fetched: {e.Message}");
        }

        await using var _ = video;
        if (video.Failure is { } failure)
        {
            return failure;
        }

        var contentType = video.ContentType is { } type && type.StartsWith("video/", StringComparison.Ordinal) ? type : "video/*";
        var metadata = new JsonObject
        {
            ["snippet"] = new JsonObject { ["title"] = Title(request.Caption), ["description"] = request.Caption, ["categoryId"] = "22" },
            ["status"] = new JsonObject { ["privacyStatus"] = "public", ["selfDeclaredMadeForKids"] = false },
        };
        using var start = PlatformHttp.Json(HttpMethod.Post, platforms.Value.YouTube.Url("upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"), request.AccessToken, metadata);
        start.Headers.Add("X-Upload-Content-Type", contentType);
        if (video.Length is { } length)
        {
            start.Headers.Add("X-Upload-Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var session = await api.SendAsync(start, cancellationToken);
        if (!session.IsSuccessStatusCode || session.Headers.Location is not { } location)
        {
            return await FailureAsync(session, cancellationToken);
        }

        // A relative Location is relative to the request that answered it (RFC 9110).
        using var put = new HttpRequestMessage(HttpMethod.Put, location.IsAbsoluteUri ? location : new Uri(start.RequestUri!, location))
        {
            Content = new StreamContent(video.Content!),
        };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        put.Content.Headers.ContentLength = video.Length;
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.AccessToken);
        using var uploaded = await upload.SendAsync(put, cancellationToken);
        if (!uploaded.IsSuccessStatusCode)
        {
            return await FailureAsync(uploaded, cancellationToken);
        }

        var inserted = await PlatformJson.ReadAsync(uploaded, cancellationToken);
        var id = inserted.String("id");
        return id is null
            ? PublishOutcome.Transient($"{Name} answered the upload without a video id")
            : PublishOutcome.Published(id, "https://www.youtube.com/watch?v=" + Uri.EscapeDataString(id));
    }

    public Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken)
    {
        var options = platforms.Value.YouTube;
        return PlatformHttp.RefreshAsync(
            clients.CreateClient(ApiClient),
            options.TokenUrl,
            new Dictionary<string, string> { ["client_id"] = options.ClientId ?? "", ["client_secret"] = options.ClientSecret ?? "" },
            credentials,
            time,
            cancellationToken);
    }

    /// <summary>
    /// The video to upload, as a stream: straight from our Blob Storage when it was re-hosted (read in blocks, never
    /// whole), else the caller's URL through the media pipeline's SSRF-safe client, since that URL is the caller's choice.
    /// </summary>
    private async Task<VideoSource> OpenAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (request.VideoBlob is { } name)
        {
            var blob = storage.Container(StorageNames.MediaContainer).GetBlobClient(name);
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            var stream = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
            return new VideoSource(stream, properties.Value.ContentType, properties.Value.ContentLength, null, null);
        }

        var url = new Uri(request.Media.Urls[0]);
        var response = await mediaHttp.SendAsync(HttpMethod.Get, url, null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var outcome = PlatformHttp.Failure(response.StatusCode, "The media source", null);
            response.Dispose();
            // The media host refusing the file is not the account's token being bad.
            return new VideoSource(null, null, null, null, outcome.Kind == PublishOutcomeKind.Unauthorized ? PublishOutcome.Permanent(outcome.Message!) : outcome);
        }

        return new VideoSource(
            await response.Content.ReadAsStreamAsync(cancellationToken), response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentLength, response, null);
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
        var body = await PlatformJson.ReadAsync(response, cancellationToken);
        var message = PlatformJson.ErrorMessage(body);
        var reason = body.Items("error", "errors").FirstOrDefault().String("reason");
        if (reason is not null && TransientReasons.Contains(reason))
        {
            return PublishOutcome.Transient($"{Name} returned {(int)response.StatusCode}: {message ?? reason} ({reason})");
        }

        return PlatformHttp.Failure(response.IsSuccessStatusCode ? HttpStatusCode.BadGateway : response.StatusCode, Name, message);
    }

    /// <summary>An open video stream (and the response it belongs to), or why there is none.</summary>
    private sealed record VideoSource(Stream? Content, string? ContentType, long? Length, HttpResponseMessage? Response, PublishOutcome? Failure) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (Content is not null)
            {
                await Content.DisposeAsync();
            }

            Response?.Dispose();
        }
    }
}
