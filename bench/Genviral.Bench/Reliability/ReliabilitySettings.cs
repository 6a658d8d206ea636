using System.Globalization;

namespace Genviral.Bench.Reliability;

/// <summary>
/// How long and how much each scenario runs. The knee search doubles the concurrency from <see cref="MinConcurrency"/>
/// (at most <see cref="MaxConcurrency"/>), <see cref="KneeStep"/> each; the crash phase creates <see cref="MediaPosts"/> BYO posts of <see cref="VideoBytes"/>,
/// <see cref="PublishPosts"/> due posts and <see cref="Owners"/> × <see cref="TargetsPerOwner"/> paid targets, and kills the
/// app <see cref="Crashes"/> times while that work runs.
/// </summary>
internal sealed record ReliabilitySettings(
    bool Quick,
    TimeSpan KneeStep,
    int MinConcurrency,
    int MaxConcurrency,
    TimeSpan Load,
    TimeSpan OutageLoadBefore,
    TimeSpan Outage,
    TimeSpan OutageLoadAfter,
    int MediaPosts,
    long VideoBytes,
    int PublishPosts,
    int Crashes,
    int Owners,
    int TargetsPerOwner,
    int CreditsPerOwner,
    TimeSpan DuplicateLoad,
    TimeSpan SettleTimeout)
{
    /// <summary>Under 5 minutes on 2 cores.</summary>
    public static ReliabilitySettings QuickRun { get; } = new(
        true, TimeSpan.FromSeconds(3), 2, 128, TimeSpan.FromSeconds(20),
        TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12),
        6, 40L * 1024 * 1024, 24, 1, 2, 6, 10, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(150));

    public static ReliabilitySettings FullRun { get; } = new(
        false, TimeSpan.FromSeconds(5), 2, 128, TimeSpan.FromSeconds(60),
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20),
        12, 80L * 1024 * 1024, 60, 2, 4, 8, 16, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(240));

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"load {Load.TotalSeconds:0} s at the knee (concurrency doubled from {MinConcurrency}, {KneeStep.TotalSeconds:0} s each); outage {Outage.TotalSeconds:0} s; "
        + $"crash phase: {MediaPosts} BYO posts of {VideoBytes / (1024 * 1024)} MB, {PublishPosts} due posts, {Owners}x{TargetsPerOwner} paid targets, {Crashes} kill(s); "
        + $"duplicate delivery {DuplicateLoad.TotalSeconds:0} s");
}
