using System.Diagnostics;

namespace Genviral.Bench;

/// <summary>Latencies of one run: how many operations finished, how fast, and how many failed.</summary>
internal sealed record Sample(int Concurrency, int Count, int Errors, double Rps, double P50Ms, double P99Ms);

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers each run the operation back to back, after a short
/// warm-up whose timings are dropped (JIT, connection pools, Azurite's first touches). Operations that are compared
/// run in alternating slices (A B, B A, ...), so a neighbour's build on the same cores slows both sides alike and the
/// ratio stays meaningful even when the absolute figures do not.
/// </summary>
internal static class Load
{
    public static async Task<Sample[]> CompareAsync(
        int concurrency, TimeSpan warmUp, TimeSpan duration, int rounds, IReadOnlyList<Func<CancellationToken, Task<bool>>> operations,
        CancellationToken cancellationToken)
    {
        foreach (var operation in operations)
        {
            await RecordAsync(new Recording(), concurrency, warmUp, operation, cancellationToken);
        }

        var recordings = operations.Select(_ => new Recording()).ToArray();
        var slice = duration / rounds;
        for (var round = 0; round < rounds; round++)
        {
            var order = Enumerable.Range(0, operations.Count);
            foreach (var i in round % 2 == 0 ? order : order.Reverse())
            {
                await RecordAsync(recordings[i], concurrency, slice, operations[i], cancellationToken);
            }
        }

        return [.. recordings.Select(r => r.ToSample(concurrency))];
    }

    private static async Task RecordAsync(Recording recording, int concurrency, TimeSpan duration, Func<CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            var latencies = new List<double>();
            var errors = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await operation(cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or Azure.RequestFailedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    ok = false;
                }

                if (ok)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                else
                {
                    errors++;
                }
            }

            return (latencies, errors);
        });
        foreach (var (latencies, errors) in await Task.WhenAll(workers))
        {
            recording.Latencies.AddRange(latencies);
            recording.Errors += errors;
        }

        recording.Seconds += clock.Elapsed.TotalSeconds;
    }

    private sealed class Recording
    {
        public List<double> Latencies { get; } = [];

        public int Errors { get; set; }

        public double Seconds { get; set; }

        public Sample ToSample(int concurrency)
        {
            var sorted = Latencies.Order().ToArray();
            return new Sample(concurrency, sorted.Length, Errors, sorted.Length / Seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
