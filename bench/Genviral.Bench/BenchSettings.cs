using System.Globalization;

namespace Genviral.Bench;

/// <summary>Duration is per operation, split into Rounds slices that alternate with the operations it is compared with.</summary>
internal sealed record BenchSettings(TimeSpan WarmUp, TimeSpan Duration, int Rounds, int SmallScope, int BigScope, int StartUps)
{
    public static readonly int[] Concurrency = [1, 8, 32];

    /// <summary>Under 3 minutes on 2 cores: short runs, and 20,000 posts instead of 100,000 in the big scope.</summary>
    public static BenchSettings Quick { get; } = new(TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(2), 4, 1_000, 20_000, 3);

    public static BenchSettings Full { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), 8, 1_000, 100_000, 5);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Duration.TotalSeconds:0.#} s per measure in {Rounds} alternating slices after {WarmUp.TotalSeconds:0.#} s warm-up; scale {SmallScope:N0} vs {BigScope:N0} posts; {StartUps} start-ups");
}
