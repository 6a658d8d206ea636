using System.Globalization;
using System.Text.Json;
using Genviral.Core.Accounts;

namespace Genviral.Core.Platforms.Stats;

/// <summary>Reads a public profile's statistics and its recent posts from one platform's API.</summary>
public interface IStatsConnector
{
    Platform Platform { get; }

    /// <param name="handle">The normalized handle (no @, lower case).</param>
    /// <param name="maxPosts">At most this many of the newest posts.</param>
    Task<ProfileStats> FetchAsync(string handle, int maxPosts, CancellationToken cancellationToken);
}

public sealed record ProfileStats(string? DisplayName, string? AvatarUrl, long Followers, long Views, long Likes, IReadOnlyList<PlatformPostStats> Posts);

public sealed record PlatformPostStats(
    string PlatformPostId,
    DateTimeOffset PublishedAt,
    string? Caption,
    string? Permalink,
    string? ThumbnailUrl,
    double? DurationSeconds,
    long Views,
    long Likes,
    long Comments,
    long Shares,
    long Saves);

/// <summary>A platform answered with an error. Permanent errors (unknown handle, bad request) are not worth retrying.</summary>
public sealed class PlatformStatsException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>The connectors by platform.</summary>
public sealed class StatsConnectors(IEnumerable<IStatsConnector> connectors)
{
    private readonly Dictionary<Platform, IStatsConnector> _byPlatform = connectors.ToDictionary(c => c.Platform);

    public IStatsConnector For(Platform platform) => _byPlatform[platform];
}

/// <summary>HTTP and JSON helpers the three connectors share.</summary>
internal static class StatsHttp
{
    /// <summary>Sends <paramref name="request"/> and parses the JSON answer; a non-2xx status becomes a <see cref="PlatformStatsException"/>.</summary>
    public static async Task<JsonDocument> SendAsync(HttpClient http, HttpRequestMessage request, string platform, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            // 4xx means the request itself is wrong (unknown handle, bad credentials): retrying cannot help.
            var permanent = status is >= 400 and < 500 && !TransientHttp.IsTransient(response.StatusCode);
            throw new PlatformStatsException($"{platform} answered {status}: {ErrorMessage(text)}", permanent);
        }

        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new PlatformStatsException($"{platform} answered with a body that is not JSON", permanent: false, e);
        }
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var error = doc.RootElement.TryGetProperty("error", out var e) ? e : doc.RootElement;
            return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()!
                : "no error message";
        }
        catch (JsonException)
        {
            return "no error message";
        }
    }

    public static JsonElement Get(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    public static string? Str(this JsonElement e, string name) => e.Get(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    /// <summary>A count; YouTube sends counts as strings, the others as numbers, and a hidden count is absent (0).</summary>
    public static long Long(this JsonElement e, string name) => e.Get(name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var n) => n,
        { ValueKind: JsonValueKind.String } v when long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => 0,
    };

    public static IEnumerable<JsonElement> Items(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];
}
