using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Genviral.Core.Platforms;

/// <summary>
/// Reading the platforms' JSON, for publishing and analytics alike: bodies that may be empty or not JSON at all, and
/// values that may be missing, of another type, or (YouTube's counts) numbers sent as strings.
/// </summary>
internal static class PlatformJson
{
    /// <summary>The response body as JSON; null when it is empty or not JSON (a proxy's HTML error page, say).</summary>
    public static async Task<JsonNode?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
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

    /// <summary>The node at <paramref name="path"/> (object properties), or null where any step is missing.</summary>
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject o ? o[name] : null;
        }

        return node;
    }

    /// <summary>A string, or any other value as its JSON text (ids sent as numbers); null when missing.</summary>
    public static string? String(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue v ? v.TryGetValue<string>(out var s) ? s : v.ToJsonString() : null;

    /// <summary>A count: a number, or a number sent as a string (YouTube); a hidden or missing count is 0.</summary>
    public static long Long(this JsonNode? node, params string[] path) => node.At(path) switch
    {
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => 0,
    };

    /// <summary>The items of the array at <paramref name="path"/>; none when it is missing or not an array.</summary>
    public static IEnumerable<JsonNode?> Items(this JsonNode? node, params string[] path) => node.At(path) is JsonArray a ? a : [];

    /// <summary>The error message of a failed call: error.message (TikTok, Google, Graph API), else a top-level message.</summary>
    public static string? ErrorMessage(JsonNode? body) =>
        body.String("error", "message") is { Length: > 0 } message ? message
        : body.String("message") is { Length: > 0 } top ? top
        : null;
}
