using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;

namespace Genviral.Core.Platforms.Publishing;

/// <summary>The HTTP plumbing the three connectors share: JSON bodies, bearer tokens, and sorting failures into transient and permanent.</summary>
internal static class PlatformHttp
{
    public static HttpRequestMessage Json(HttpMethod method, Uri url, string accessToken, JsonNode body)
    {
        var request = new HttpRequestMessage(method, url)
        {
            // Sent as "application/json; charset=utf-8", the content type TikTok and Google document.
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    /// <summary>
    /// An OAuth refresh_token grant, the same for TikTok and Google apart from the client field names (in
    /// <paramref name="client"/>). Null when the platform refuses. TikTok rotates refresh tokens and Google keeps its
    /// own: a new one is taken when it comes, otherwise the old one is kept.
    /// </summary>
    public static async Task<PlatformCredentials?> RefreshAsync(
        HttpClient http, Uri tokenUrl, IReadOnlyDictionary<string, string> client, PlatformCredentials credentials, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (credentials.RefreshToken is null)
        {
            return null;
        }

        var form = new Dictionary<string, string>(client) { ["grant_type"] = "refresh_token", ["refresh_token"] = credentials.RefreshToken };
        using var response = await http.PostAsync(tokenUrl, new FormUrlEncodedContent(form), cancellationToken);
        var body = await PlatformJson.ReadAsync(response, cancellationToken);
        var token = body.String("access_token");
        if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
        {
            return null;
        }

        return credentials with
        {
            AccessToken = token,
            RefreshToken = body.String("refresh_token") ?? credentials.RefreshToken,
            ExpiresAt = ExpiresAt(body, time),
        };
    }

    /// <summary>When a token from an OAuth answer expires (its expires_in seconds from now); null when the answer does not say.</summary>
    public static DateTimeOffset? ExpiresAt(JsonNode? body, TimeProvider time) =>
        body.At("expires_in") is JsonValue v && v.TryGetValue<long>(out var seconds) ? time.GetUtcNow().AddSeconds(seconds) : null;

    /// <summary>429, 408 and 5xx are worth another attempt later; other 4xx are not; 401 means the token was refused.</summary>
    public static PublishOutcome Failure(HttpStatusCode status, string platform, string? message)
    {
        var text = $"{platform} returned {(int)status}: {(string.IsNullOrWhiteSpace(message) ? status.ToString() : message)}";
        return status == HttpStatusCode.Unauthorized ? PublishOutcome.Unauthorized(text)
            : TransientHttp.IsTransient(status) ? PublishOutcome.Transient(text)
            : PublishOutcome.Permanent(text);
    }
}
