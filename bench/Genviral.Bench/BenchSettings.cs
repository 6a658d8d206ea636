using System.Globalization;

namespace Genviral.Bench;

/// <summary>
/// Duration is per operation, split into Rounds slices that alternate with the operations it is compared with. The
/// media measure re-hosts MediaBytes MediaRounds times; the dispatch measure runs DispatchTicks ticks per side, with
/// DispatchFuture future posts in the big side's due index.
/// </summary>
internal sealed record BenchSettings(
    TimeSpan WarmUp, TimeSpan Duration, int Rounds, int SmallScope, int BigScope, int StartUps, long MediaBytes, int MediaRounds, int DispatchFuture, int DispatchTicks)
{
    public static readonly int[] Concurrency = [1, 8, 32];

    /// <summary>The measure groups, in the order they run; <c>--only</c> picks some of them.</summary>
    public static readonly string[] Groups = ["media", "startup", "read", "floor", "write", "scale", "publish", "dispatch"];

    /// <summary>The groups to run (<c>--only</c>); null runs them all.</summary>
    public IReadOnlyList<string>? Only { get; init; }

    public bool Runs(string group) => Only is null || Only.Contains(group, StringComparer.Ordinal);

    /// <summary>Under 3 minutes on 2 cores: short runs, 20,000 posts instead of 100,000 in the big scope and the due index, a 50 MB video instead of 200 MB.</summary>
    public static BenchSettings Quick { get; } = new(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(2), 4, 1_000, 20_000, 3, 50L * 1024 * 1024, 3, 20_000, 3);

    public static BenchSettings Full { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), 8, 1_000, 100_000, 5, 200L * 1024 * 1024, 5, 100_000, 5);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Duration.TotalSeconds:0.#} s per measure in {Rounds} alternating slices after {WarmUp.TotalSeconds:0.#} s warm-up; scale {SmallScope:N0} vs {BigScope:N0} posts; {StartUps} start-ups; "
        + $"media {MediaBytes / (1024 * 1024)} MB x {MediaRounds}; dispatch {DispatchTicks} ticks of {DispatchBench.DuePerTick} due, beside {DispatchFuture:N0} future posts; "
        + $"{PublishBench.Posts} immediate posts") + (Only is null ? "" : "; only " + string.Join(", ", Only));
}
