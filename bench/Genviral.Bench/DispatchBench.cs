extern alias simulator;

using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Genviral.Core;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using simulator::Genviral.PlatformSimulator;

namespace Genviral.Bench;

/// <summary>
/// One dispatch tick (<see cref="PostDispatcher.RunAsync"/>) publishing 100 due posts, with many future posts in the
/// due index beside a tick with those 100 alone. The index is one table per storage account, so each side gets its
/// own Azurite; the platform calls go to the platform simulator, in-process on loopback, with hosted tokens.
/// </summary>
internal static class DispatchBench
{
    public const int DuePerTick = 100;

    public static async Task<IReadOnlyList<Measure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        // Warnings only: its request log would flood the bench's output.
        var simulator = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await simulator.StartAsync(cancellationToken);
        try
        {
            var simulatorUrl = simulator.Urls.First().TrimEnd('/');
            var published = simulator.Services.GetRequiredService<SimulatorState>().Publishing.Published;
            await using var small = await Side.StartAsync("dispatch-small", simulatorUrl, cancellationToken);
            await using var big = await Side.StartAsync("dispatch-big", simulatorUrl, cancellationToken);

            var clock = Stopwatch.StartNew();
            await big.SeedFutureAsync(settings.DispatchFuture, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] seeded {settings.DispatchFuture:N0} future posts in {clock.Elapsed.TotalSeconds:F0} s; ticks"));

            var ticks = new Dictionary<Side, List<double>> { [small] = [], [big] = [] };
            var lists = new Dictionary<Side, List<double>> { [small] = [], [big] = [] };
            var reads = new Dictionary<Side, List<double>> { [small] = [], [big] = [] };
            var writes = new Dictionary<Side, List<double>> { [small] = [], [big] = [] };
            var errors = new Dictionary<Side, int> { [small] = 0, [big] = 0 };
            // Tick 0 warms up each side (JIT, connection pools) and is not counted.
            for (var tick = 0; tick <= settings.DispatchTicks; tick++)
            {
                foreach (var side in tick % 2 == 0 ? new[] { small, big } : [big, small])
                {
                    var due = await side.SeedDueAsync(cancellationToken);
                    // Single-row operations of the kinds a tick makes several of per post: does the size of the table change their cost?
                    // A quarter of the due posts: enough samples, and the quick run stays under 3 minutes.
                    var (pointReads, pointWrites) = await side.ProbeAsync(due.Take(DuePerTick / 4), cancellationToken);
                    // The tick's first step alone, to tell the index query's share of the tick from the publishing's.
                    var start = Stopwatch.GetTimestamp();
                    var listed = await side.Index.ListDueAsync(DateTimeOffset.UtcNow, PostDispatcher.MaxEntriesPerTick, cancellationToken);
                    var listing = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    var before = published.Count;
                    start = Stopwatch.GetTimestamp();
                    var result = await side.Dispatcher.RunAsync(cancellationToken);
                    var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    var ok = listed.Count == DuePerTick && result is { Entries: DuePerTick, Posts: DuePerTick, Attempts: DuePerTick } && published.Count - before == DuePerTick;
                    if (tick == 0)
                    {
                        continue;
                    }

                    if (ok)
                    {
                        ticks[side].Add(elapsed);
                        lists[side].Add(listing);
                        reads[side].AddRange(pointReads);
                        writes[side].AddRange(pointWrites);
                    }
                    else
                    {
                        errors[side]++;
                    }
                }
            }

            var baseline = new Measure("dispatch.tick_100_due.total_100", "dispatch", ToSample(ticks[small], errors[small]),
                Note: string.Create(CultureInfo.InvariantCulture, $"{DuePerTick} posts in the due index, all due and published per tick"));
            var measure = Measure.Against("dispatch.tick_100_due.future_" + settings.DispatchFuture, "dispatch", ToSample(ticks[big], errors[big]), baseline,
                string.Create(CultureInfo.InvariantCulture, $"{DuePerTick} due beside {settings.DispatchFuture:N0} future posts in the index; ratio big/small"));
            baseline.Extra["future_posts"] = 0;
            measure.Extra["future_posts"] = settings.DispatchFuture;
            var listBaseline = new Measure("dispatch.list_due.total_100", "dispatch", ToSample(lists[small], errors[small]), Note: "the tick's due-index query alone");
            var list = Measure.Against("dispatch.list_due.future_" + settings.DispatchFuture, "dispatch", ToSample(lists[big], errors[big]), listBaseline,
                "the tick's due-index query alone; ratio big/small");
            var readBaseline = new Measure("dispatch.point_read.total_100", "dispatch", ToSample(reads[small], errors[small]), Note: "raw point read of a due post");
            var read = Measure.Against("dispatch.point_read.future_" + settings.DispatchFuture, "dispatch", ToSample(reads[big], errors[big]), readBaseline,
                "raw point read of a due post, in a table with the future posts; ratio big/small");
            var writeBaseline = new Measure("dispatch.index_upsert.total_100", "dispatch", ToSample(writes[small], errors[small]), Note: "PostSchedule.AddAsync of a due post's entry (rewritten as it is)");
            var write = Measure.Against("dispatch.index_upsert.future_" + settings.DispatchFuture, "dispatch", ToSample(writes[big], errors[big]), writeBaseline,
                "PostSchedule.AddAsync of a due post's entry, beside the future posts' entries; ratio big/small");
            return [baseline, measure, listBaseline, list, readBaseline, read, writeBaseline, write];
        }
        finally
        {
            await simulator.StopAsync(CancellationToken.None);
            await simulator.DisposeAsync();
        }
    }

    private static Sample ToSample(List<double> latencies, int errors)
    {
        var sorted = latencies.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new InvalidOperationException($"No tick published all {DuePerTick} due posts; the dispatcher's warnings above say why.");
        }

        return new Sample(1, sorted.Length, errors, sorted.Length / (sorted.Sum() / 1000), sorted[sorted.Length / 2], sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1]);
    }

    /// <summary>An Azurite of its own, a workspace with a hosted TikTok account, and the dispatcher built as the app builds it.</summary>
    private sealed class Side : IAsyncDisposable
    {
        private readonly Azurite _azurite;
        private readonly IHost _host;
        private readonly Tenant _tenant;
        private readonly string _mediaUrl;

        private Side(Azurite azurite, IHost host, Tenant tenant, string mediaUrl)
        {
            _azurite = azurite;
            _host = host;
            _tenant = tenant;
            _mediaUrl = mediaUrl;
            Dispatcher = host.Services.GetRequiredService<PostDispatcher>();
            Index = host.Services.GetRequiredService<PostSchedule>();
        }

        public PostDispatcher Dispatcher { get; }

        public PostSchedule Index { get; }

        private TableClient Table(string name) => _host.Services.GetRequiredService<StorageClients>().Table(name);

        public static async Task<Side> StartAsync(string name, string simulatorUrl, CancellationToken cancellationToken)
        {
            var azurite = await Azurite.StartAsync(cancellationToken);
            try
            {
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Storage:ConnectionString"] = azurite.ConnectionString,
                    ["Platforms:TikTok:BaseUrl"] = simulatorUrl,
                    ["Platforms:TikTok:HostedAccessToken"] = "bench-hosted-tiktok",
                    ["Platforms:Instagram:BaseUrl"] = simulatorUrl,
                    ["Platforms:Instagram:HostedAccessToken"] = "bench-hosted-instagram",
                    ["Platforms:YouTube:BaseUrl"] = simulatorUrl,
                    ["Platforms:YouTube:HostedAccessToken"] = "bench-hosted-youtube",
                    // The simulator answers "processing" once before "complete"; the default 5 s wait would be measured as sleep.
                    ["Publishing:PollInterval"] = "00:00:00",
                });
                // Failures only: a result line per published post would cost more than the tick.
                builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
                builder.AddGenviralCore();
                builder.AddGenviralPublishing();
                var host = builder.Build();
                await host.Services.GetRequiredService<StorageClients>().CreateResourcesAsync(cancellationToken);
                var tenant = await Tenant.CreateAsync(azurite.ConnectionString, name, withByo: false, cancellationToken);
                // A tiny video the simulator serves itself: the platform "pulls" it on every publish, as TikTok does.
                return new Side(azurite, host, tenant, simulatorUrl + "/_sim/media/bench.mp4?bytes=4096");
            }
            catch
            {
                azurite.Dispose();
                throw;
            }
        }

        /// <summary>Scheduled posts (a week ahead, one a second) with their due-index entries.</summary>
        public async Task SeedFutureAsync(int count, CancellationToken cancellationToken)
        {
            var start = DateTimeOffset.UtcNow.AddSeconds(-count);
            var posts = Enumerable.Range(0, count).Select(i => Seeder.NewPost(_tenant.HostedAccountId, start.AddSeconds(i), scheduled: true)).ToList();
            // Two tables: written side by side.
            await Task.WhenAll(
                Seeder.AddPostsAsync(Table(StorageNames.PostsTable), _tenant.Scope, posts, cancellationToken),
                Seeder.IndexAsync(Table(StorageNames.ScheduleTable), _tenant.Scope, posts, cancellationToken));
        }

        /// <summary>
        /// <see cref="DuePerTick"/> posts due a minute ago with their media ready (hosted-only: published from their own
        /// URL), indexed by PostSchedule itself. The tick publishes them all, so each tick gets fresh ones.
        /// </summary>
        public async Task<IReadOnlyList<Post>> SeedDueAsync(CancellationToken cancellationToken)
        {
            var posts = Enumerable.Range(0, DuePerTick).Select(_ =>
            {
                var post = Seeder.NewPost(_tenant.HostedAccountId, DateTimeOffset.UtcNow.AddMinutes(-1), scheduled: false);
                return post with { Media = post.Media with { Urls = [_mediaUrl] }, MediaState = post.MediaState with { Ready = true } };
            }).ToList();
            await Seeder.AddPostsAsync(Table(StorageNames.PostsTable), _tenant.Scope, posts, cancellationToken);
            var schedule = _host.Services.GetRequiredService<PostSchedule>();
            await Task.WhenAll(posts.Select(p => schedule.AddAsync(_tenant.Scope, p.Id, p.DueAt, cancellationToken)));
            return posts;
        }

        /// <summary>
        /// One after another: a raw point read of each post's row, then its due-index entry written again unchanged (the
        /// tick still finds it); returns their latencies in ms.
        /// </summary>
        public async Task<(List<double> Reads, List<double> Writes)> ProbeAsync(IEnumerable<Post> posts, CancellationToken cancellationToken)
        {
            var table = Table(StorageNames.PostsTable);
            var schedule = _host.Services.GetRequiredService<PostSchedule>();
            var reads = new List<double>();
            var writes = new List<double>();
            foreach (var post in posts)
            {
                var start = Stopwatch.GetTimestamp();
                await table.GetEntityAsync<TableEntity>(_tenant.Scope.PartitionKey, PostKeys.Post(post.Id), cancellationToken: cancellationToken);
                reads.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                await schedule.AddAsync(_tenant.Scope, post.Id, post.DueAt, cancellationToken);
                writes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return (reads, writes);
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is IAsyncDisposable host)
            {
                await host.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }

            _azurite.Dispose();
        }
    }
}
