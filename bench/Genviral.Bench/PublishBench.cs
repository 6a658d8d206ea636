extern alias simulator;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using simulator::Genviral.PlatformSimulator;

namespace Genviral.Bench;

/// <summary>
/// Immediate posts end to end: <c>POST /posts</c> without <c>scheduled_at</c> to a hosted TikTok account, through the
/// app process (its media check, the publish-now queue, the dispatcher's claim) to the platform simulator, in-process
/// on loopback, until <c>GET /posts/{id}</c> says <c>posted</c>. The posts are created a little apart, so a minute
/// tick of the timer can only help a few of them.
/// </summary>
internal static class PublishBench
{
    public const int Posts = 24;

    private static readonly TimeSpan Apart = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan GiveUp = TimeSpan.FromMinutes(3);

    public static async Task<IReadOnlyList<Measure>> RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        var simulator = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await simulator.StartAsync(cancellationToken);
        try
        {
            // By name: the API refuses media URLs that are IP literals of private hosts.
            var simulatorUrl = simulator.Urls.First().TrimEnd('/').Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
            var tenant = await Tenant.CreateAsync(connectionString, "publish", withByo: false, cancellationToken);
            var settings = new Dictionary<string, string>
            {
                ["Platforms__TikTok__BaseUrl"] = simulatorUrl,
                ["Platforms__TikTok__HostedAccessToken"] = "bench-hosted-tiktok",
                ["Media__AllowedPrivateHosts"] = new Uri(simulatorUrl).Authority,
                // The simulator answers "processing" once before "complete"; the default 5 s wait would be measured as sleep.
                ["Publishing__PollInterval"] = "00:00:00",
            };
            using var app = await AppProcess.StartAsync(connectionString, tenant.Token, settings, Local.FreePort(), cancellationToken);
            using var http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = app.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Token);
            var body = $$$"""{"caption":"Bench now","accounts":[{"id":"{{{tenant.HostedAccountId}}}"}],"media":{"type":"video","url":"{{{simulatorUrl}}}/_sim/media/now.mp4?bytes=4096"}}""";

            // One warm-up post (JIT, connection pools, the queue consumers' first polls), not counted.
            await PublishOneAsync(http, body, TimeSpan.Zero, cancellationToken);
            var runs = await Task.WhenAll(Enumerable.Range(0, Posts).Select(i => PublishOneAsync(http, body, Apart * i, cancellationToken)));
            var latencies = runs.Where(r => r is not null).Select(r => r!.Value).Order().ToArray();
            if (latencies.Length == 0)
            {
                throw new InvalidOperationException("No immediate post reached posted within " + GiveUp + Environment.NewLine + app.Tail);
            }

            var errors = runs.Length - latencies.Length;
            var p50 = latencies[latencies.Length / 2];
            var p99 = latencies[(int)Math.Ceiling(0.99 * latencies.Length) - 1];
            var sample = new Sample(1, latencies.Length, errors, latencies.Length / (latencies.Sum() / 1000), p50, p99);
            return
            [
                new Measure("publish.immediate_to_posted", "publish", sample,
                    Note: string.Create(CultureInfo.InvariantCulture,
                        $"POST /posts without scheduled_at to posted on the simulator, {latencies.Length} posts {Apart.TotalMilliseconds:F0} ms apart (max {latencies[^1] / 1000:F1} s)")),
            ];
        }
        finally
        {
            await simulator.StopAsync(CancellationToken.None);
            await simulator.DisposeAsync();
        }
    }

    /// <summary>Milliseconds from sending the create to the first read that says posted, or null if it never does.</summary>
    private static async Task<double?> PublishOneAsync(HttpClient http, string body, TimeSpan after, CancellationToken cancellationToken)
    {
        await Task.Delay(after, cancellationToken);
        var start = Stopwatch.GetTimestamp();
        string id;
        using (var content = new StringContent(body, Encoding.UTF8, "application/json"))
        using (var created = await http.PostAsync("/api/partner/v1/posts", content, cancellationToken))
        {
            if (created.StatusCode != HttpStatusCode.Created)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
            id = json.RootElement.GetProperty("data").GetProperty("id").GetString()!;
        }

        while (Stopwatch.GetElapsedTime(start) < GiveUp)
        {
            await Task.Delay(50, cancellationToken);
            using var read = await http.GetAsync($"/api/partner/v1/posts/{id}", cancellationToken);
            using var json = JsonDocument.Parse(await read.Content.ReadAsStringAsync(cancellationToken));
            var status = json.RootElement.GetProperty("data").GetProperty("status").GetString();
            if (status == "posted")
            {
                return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            if (status is "failed" or "partial")
            {
                return null;
            }
        }

        return null;
    }
}
