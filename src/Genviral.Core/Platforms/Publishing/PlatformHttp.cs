using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Genviral.Core.Platforms.Publishing;

/// <summary>The HTTP plumbing the three connectors share: JSON bodies, bearer tokens, and sorting failures into transient and permanent.</summary>
internal static class PlatformHttp
{
    public static HttpRequestMessage Json(HttpMethod method, string path, string accessToken, JsonNode body)
    {
        var request = new HttpRequestMessage(method, path)
        {
            // Sent as "application/json; charset=utf-8", the content type TikTok and Google document.
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    public static async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>429, 408 and 5xx are worth another attempt later; other 4xx are not; 401 means the token was refused.</summary>
    public static PublishOutcome Failure(HttpStatusCode status, string platform, string? message)
    {
        var text = $"{platform} returned {(int)status}: {(string.IsNullOrWhiteSpace(message) ? status.ToString() : message)}";
        return status switch
        {
            HttpStatusCode.Unauthorized => PublishOutcome.Unauthorized(text),
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => PublishOutcome.Transient(text),
            >= HttpStatusCode.InternalServerError => PublishOutcome.Transient(text),
            _ => PublishOutcome.Permanent(text),
        };
    }

    public static string? String(JsonNode? node, params string[] path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject o ? o[name] : null;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node is JsonValue n ? n.ToJsonString() : null;
    }
}
