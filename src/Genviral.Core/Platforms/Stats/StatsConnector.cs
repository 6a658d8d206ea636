using System.Text.Json.Nodes;
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

/// <summary>The HTTP call the three connectors share.</summary>
internal static class StatsHttp
{
    /// <summary>Sends <paramref name="request"/> and parses the JSON answer; a non-2xx status becomes a <see cref="PlatformStatsException"/>.</summary>
    public static async Task<JsonNode> SendAsync(HttpClient http, HttpRequestMessage request, string platform, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await PlatformJson.ReadAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            // 4xx means the request itself is wrong (unknown handle, bad credentials): retrying cannot help.
            var permanent = status is >= 400 and < 500 && !TransientHttp.IsTransient(response.StatusCode);
            throw new PlatformStatsException($"{platform} answered {status}: {PlatformJson.ErrorMessage(body) ?? "no error message"}", permanent);
        }

        return body ?? throw new PlatformStatsException($"{platform} answered with a body that is not JSON", permanent: false);
    }
}
