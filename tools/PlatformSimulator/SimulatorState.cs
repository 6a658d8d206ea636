using System.Collections.Concurrent;

namespace Genviral.PlatformSimulator;

/// <summary>
/// What the simulated platforms know, in memory: profiles and the videos posted to them. Publishing adds videos
/// here and the stats endpoints read them back, so a post published through the simulator shows up in analytics.
/// </summary>
public sealed class SimulatorState
{
    /// <summary>Profiles by <see cref="Key"/> of platform and handle.</summary>
    public ConcurrentDictionary<string, SimulatedProfile> Profiles { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Videos by <see cref="Key"/> of platform and the platform's video id.</summary>
    public ConcurrentDictionary<string, SimulatedVideo> Videos { get; } = new(StringComparer.Ordinal);

    /// <summary>The publishing endpoints' jobs, failure switches and call log.</summary>
    public Publishing.PublishingSimulation Publishing { get; } = new();

    public static string Key(string platform, string id) => platform + ":" + id;
}

public sealed record SimulatedProfile(string Platform, string Handle, string UserId, long Followers, long Following);

public sealed record SimulatedVideo(
    string Platform,
    string Id,
    string Handle,
    string Url,
    string Caption,
    DateTimeOffset PublishedAt,
    long Views,
    long Likes,
    long Comments,
    long Shares);
