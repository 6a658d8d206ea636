using System.Globalization;

namespace Genviral.Bench;

internal sealed record BenchSettings(TimeSpan WarmUp, TimeSpan Duration, int SmallScope, int BigScope, int StartUps)
{
    public static readonly int[] Concurrency = [1, 8, 32];

    /// <summary>Under 3 minutes on 2 cores: short runs, and 20,000 posts instead of 100,000 in the big scope.</summary>
    public static BenchSettings Quick { get; } = new(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2), 1_000, 20_000, 2);

    public static BenchSettings Full { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8), 1_000, 100_000, 5);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Duration.TotalSeconds:0.#} s per measure after {WarmUp.TotalSeconds:0.#} s warm-up; scale {SmallScope:N0} vs {BigScope:N0} posts; {StartUps} start-ups");
}
