using System.Diagnostics;

namespace Genviral.Bench;

/// <summary>Latencies of one run: how many operations finished, how fast, and how many failed.</summary>
internal sealed record Sample(int Concurrency, int Count, int Errors, double Rps, double P50Ms, double P99Ms);

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers each run the operation back to back for a fixed time,
/// after a short warm-up whose timings are dropped (JIT, connection pools, Azurite's first touches).
/// </summary>
internal static class Load
{
    public static async Task<Sample> RunAsync(int concurrency, TimeSpan warmUp, TimeSpan duration, Func<int, CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        await RunWorkersAsync(concurrency, warmUp, operation, cancellationToken);
        var clock = Stopwatch.StartNew();
        var results = await RunWorkersAsync(concurrency, duration, operation, cancellationToken);
        var elapsed = clock.Elapsed.TotalSeconds;
        var latencies = results.SelectMany(r => r.Latencies).Order().ToArray();
        var errors = results.Sum(r => r.Errors);
        return new Sample(concurrency, latencies.Length, errors, latencies.Length / elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<(List<double> Latencies, int Errors)[]> RunWorkersAsync(
        int concurrency, TimeSpan duration, Func<int, CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var latencies = new List<double>();
            var errors = 0;
            for (var i = 0; Stopwatch.GetTimestamp() < deadline; i++)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await operation(worker * 1_000_000 + i, cancellationToken);
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
        return await Task.WhenAll(workers);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
