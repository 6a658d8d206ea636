using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Data.Tables;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Bench;

/// <summary>Every measure, each beside its baseline, against one Azurite and one app process started for the run.</summary>
internal static class BenchRun
{
    private const string Api = "/api/partner/v1";

    public static async Task<IReadOnlyList<Measure>> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var measures = new List<Measure>();
        using var azurite = await Azurite.StartAsync(cancellationToken);
        var storage = new StorageClients(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }));
        await storage.CreateResourcesAsync(cancellationToken);
        var posts = storage.Table(StorageNames.PostsTable);
        var small = await Tenant.CreateAsync(azurite.ConnectionString, "small", withByo: false, cancellationToken);
        var big = await Tenant.CreateAsync(azurite.ConnectionString, "big", withByo: false, cancellationToken);
        var writer = await Tenant.CreateAsync(azurite.ConnectionString, "writes", withByo: true, cancellationToken);

        // First, while the bench process is small: its peak working set is then the media run's.
        IReadOnlyList<Measure> media = [];
        if (settings.Runs("media"))
        {
            Progress("media");
            media = await MediaBench.RunAsync(storage, settings, cancellationToken);
        }

        var startUps = new List<double>();
        AppProcess? app = null;
        try
        {
            Progress("start-up");
            for (var i = 0; i < (settings.Runs("startup") ? settings.StartUps : 1); i++)
            {
                app?.Dispose();
                app = await AppProcess.StartAsync(azurite.ConnectionString, small.Token, cancellationToken);
                startUps.Add(app.StartUp.TotalMilliseconds);
            }

            var readOrScale = settings.Runs("read") || settings.Runs("scale");
            if (readOrScale)
            {
                Progress($"seeding {settings.SmallScope:N0} posts");
            }

            var smallIds = readOrScale ? await Seeder.SeedAsync(posts, small.Scope, small.HostedAccountId, settings.SmallScope, cancellationToken) : [];
            using var smallHttp = Client(app!.BaseAddress, small.Token);
            using var writerHttp = Client(app.BaseAddress, writer.Token);
            using var bigHttp = Client(app.BaseAddress, big.Token);
            using var anonymous = Client(app.BaseAddress, null);

            foreach (var c in settings.Runs("read") ? BenchSettings.Concurrency : [])
            {
                Progress($"read path c{c}");
                var (raw, viaApp) = await Pair(c,
                    async ct =>
                    {
                        await posts.GetEntityAsync<TableEntity>(small.Scope.PartitionKey, PostKeys.Post(Pick(smallIds)), cancellationToken: ct);
                        return true;
                    },
                    ct => OkAsync(smallHttp, $"{Api}/posts/{Pick(smallIds)}", ct));
                var baseline = new Measure($"read.raw_get_entity.c{c}", "read", raw);
                measures.Add(baseline);
                measures.Add(Measure.Against($"read.get_post.c{c}", "read", viaApp, baseline));
            }

            foreach (var c in settings.Runs("floor") ? BenchSettings.Concurrency : [])
            {
                Progress($"framework floor c{c}");
                // Routing, the pipeline and an envelope, without storage: a request without a key is refused before any read.
                var floor = await Compare(c, [ct => AnswersAsync(anonymous, $"{Api}/accounts", HttpStatusCode.Unauthorized, ct)]);
                measures.Add(new Measure($"floor.no_key.c{c}", "floor", floor[0], Note: "401 without storage"));
            }

            var rawPartition = "bench_raw_" + Guid.NewGuid().ToString("N");
            var hosted = $$$"""{"caption":"Bench #bench","accounts":[{"id":"{{{writer.HostedAccountId}}}"}],"media":{"type":"video","url":"https://cdn.example.com/bench.mp4"}}""";
            var mixed = $$$"""{"caption":"Bench #bench","accounts":[{"id":"{{{writer.ByoAccountId}}}"},{"id":"{{{writer.HostedAccountId}}}"}],"media":{"type":"video","url":"https://cdn.example.com/bench.mp4"}}""";
            foreach (var c in settings.Runs("write") ? [1, 8] : Array.Empty<int>())
            {
                Progress($"write path c{c}");
                var samples = await Compare(c,
                [
                    async ct =>
                    {
                        // The rows a create writes in its transaction: post, two index copies and a counter shard.
                        var post = Seeder.NewPost(writer.HostedAccountId, DateTimeOffset.UtcNow, scheduled: false);
                        var actions = PostStore.NewPostRows(rawPartition, post, null).Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))
                            .Append(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                                PostStore.CounterShard(rawPartition, Random.Shared.Next(PostKeys.CounterShards), _ => 1)))
                            .ToList();
                        await posts.SubmitSinglePartitionAsync(actions, ct);
                        return true;
                    },
                    ct => CreatedAsync(writerHttp, hosted, ct),
                    ct => CreatedAsync(writerHttp, mixed, ct),
                ]);
                var baseline = new Measure($"write.raw_transaction_4_rows.c{c}", "write", samples[0]);
                measures.Add(baseline);
                measures.Add(Measure.Against($"write.create_post_hosted.c{c}", "write", samples[1], baseline));
                measures.Add(Measure.Against($"write.create_post_byo_hosted.c{c}", "write", samples[2], baseline, "BYO target: also a media-work queue message"));
            }

            if (!settings.Runs("scale"))
            {
                return await FinishAsync();
            }

            Progress($"seeding {settings.BigScope:N0} posts");
            var seedClock = System.Diagnostics.Stopwatch.StartNew();
            await Seeder.SeedAsync(posts, big.Scope, big.HostedAccountId, settings.BigScope, cancellationToken);
            Progress(string.Create(CultureInfo.InvariantCulture, $"seeded in {seedClock.Elapsed.TotalSeconds:F0} s; scale"));
            var store = new PostStore(storage);
            foreach (var c in new[] { 1, 8 })
            {
                AddScale(measures, $"scale.list_scheduled_50.c{c}", settings, await Pair(c,
                    ct => OkAsync(smallHttp, $"{Api}/posts?status=scheduled&limit=50", ct),
                    ct => OkAsync(bigHttp, $"{Api}/posts?status=scheduled&limit=50", ct)));
            }

            AddScale(measures, "scale.store_list_page.c1", settings, await Pair(1,
                async ct => (await store.ListAsync(small.Scope, PostStatus.Scheduled, null, null, null, 0, 50, ct)).Posts.Count == 50,
                async ct => (await store.ListAsync(big.Scope, PostStatus.Scheduled, null, null, null, 0, 50, ct)).Posts.Count == 50));
            AddScale(measures, "scale.store_summary.c1", settings, await Pair(1,
                async ct => (await store.GetSummaryAsync(small.Scope, ct)).Total == settings.SmallScope,
                async ct => (await store.GetSummaryAsync(big.Scope, ct)).Total == settings.BigScope));
        }
        finally
        {
            app?.Dispose();
            app = null;
        }

        return await FinishAsync();

        // After the app has stopped: its timer would otherwise tick beside the measured ones (on another Azurite, but the same cores).
        async Task<IReadOnlyList<Measure>> FinishAsync()
        {
            app?.Dispose();
            app = null;
            if (settings.Runs("publish"))
            {
                Progress("publish");
                measures.AddRange(await PublishBench.RunAsync(azurite.ConnectionString, cancellationToken));
            }

            if (settings.Runs("dispatch"))
            {
                Progress("dispatch");
                measures.AddRange(await DispatchBench.RunAsync(settings, cancellationToken));
            }

            measures.AddRange(media);
            if (settings.Runs("startup"))
            {
                measures.Add(StartUp(startUps));
            }

            return measures;
        }

        Task<Sample[]> Compare(int concurrency, Func<CancellationToken, Task<bool>>[] operations) =>
            Load.CompareAsync(concurrency, settings.WarmUp, settings.Duration, settings.Rounds, operations, cancellationToken);

        async Task<(Sample First, Sample Second)> Pair(int concurrency, Func<CancellationToken, Task<bool>> first, Func<CancellationToken, Task<bool>> second)
        {
            var samples = await Compare(concurrency, [first, second]);
            return (samples[0], samples[1]);
        }
    }

    private static Measure StartUp(List<double> startUps)
    {
        var sorted = startUps.Order().ToList();
        return new Measure("startup.first_accounts_ok", "startup", null,
            Note: string.Create(CultureInfo.InvariantCulture, $"median {sorted[sorted.Count / 2]:F0} ms over {sorted.Count} starts (first {startUps[0]:F0}, min {sorted[0]:F0}, max {sorted[^1]:F0})"))
        {
            Extra =
            {
                ["starts"] = sorted.Count,
                ["median_ms"] = Math.Round(sorted[sorted.Count / 2], 1),
                ["first_ms"] = Math.Round(startUps[0], 1),
                ["min_ms"] = Math.Round(sorted[0], 1),
                ["max_ms"] = Math.Round(sorted[^1], 1),
            },
        };
    }

    /// <summary>The same measure for the small and the big scope, measured side by side; the big one's ratio is big over small.</summary>
    private static void AddScale(List<Measure> measures, string name, BenchSettings settings, (Sample Small, Sample Big) samples)
    {
        var small = new Measure($"{name}.small", "scale", samples.Small, Note: string.Create(CultureInfo.InvariantCulture, $"{settings.SmallScope:N0} posts in scope"));
        small.Extra["posts_in_scope"] = settings.SmallScope;
        var big = Measure.Against($"{name}.big", "scale", samples.Big, small, string.Create(CultureInfo.InvariantCulture, $"{settings.BigScope:N0} posts in scope; ratio big/small"));
        big.Extra["posts_in_scope"] = settings.BigScope;
        measures.Add(small);
        measures.Add(big);
    }

    private static string Pick(IReadOnlyList<string> ids) => ids[Random.Shared.Next(ids.Count)];

    private static HttpClient Client(Uri baseAddress, string? token)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = baseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static Task<bool> OkAsync(HttpClient http, string path, CancellationToken cancellationToken) =>
        AnswersAsync(http, path, HttpStatusCode.OK, cancellationToken);

    private static async Task<bool> AnswersAsync(HttpClient http, string path, HttpStatusCode status, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        return response.StatusCode == status;
    }

    private static async Task<bool> CreatedAsync(HttpClient http, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{Api}/posts", content, cancellationToken);
        return response.StatusCode == HttpStatusCode.Created;
    }

    private static void Progress(string step) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {step}");
}
