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

        Progress("start-up");
        var startUps = new List<double>();
        AppProcess? app = null;
        try
        {
            for (var i = 0; i < settings.StartUps; i++)
            {
                app?.Dispose();
                app = await AppProcess.StartAsync(azurite.ConnectionString, small.Token, cancellationToken);
                startUps.Add(app.StartUp.TotalMilliseconds);
            }

            Progress($"seeding {settings.SmallScope:N0} posts");
            var smallIds = await Seeder.SeedAsync(posts, small.Scope, small.HostedAccountId, settings.SmallScope, cancellationToken);
            using var smallHttp = Client(app!.BaseAddress, small.Token);
            using var writerHttp = Client(app.BaseAddress, writer.Token);
            using var bigHttp = Client(app.BaseAddress, big.Token);
            using var anonymous = Client(app.BaseAddress, null);

            Progress("read path");
            foreach (var c in BenchSettings.Concurrency)
            {
                var raw = new Measure($"read.raw_get_entity.c{c}", "read", await Run(c, async (_, ct) =>
                {
                    await posts.GetEntityAsync<TableEntity>(small.Scope.PartitionKey, PostKeys.Post(Pick(smallIds)), cancellationToken: ct);
                    return true;
                }));
                var viaApp = await Run(c, (_, ct) => OkAsync(smallHttp, $"{Api}/posts/{Pick(smallIds)}", ct));
                measures.Add(raw);
                measures.Add(Measure.Against($"read.get_post.c{c}", "read", viaApp, raw));
            }

            Progress("framework floor");
            foreach (var c in BenchSettings.Concurrency)
            {
                measures.Add(new Measure($"floor.get_root.c{c}", "floor", await Run(c, (_, ct) => OkAsync(anonymous, "/", ct)), Note: "no storage, no key"));
            }

            Progress("write path");
            var rawPartition = "bench_raw_" + Guid.NewGuid().ToString("N");
            foreach (var c in new[] { 1, 8 })
            {
                var raw = new Measure($"write.raw_transaction_4_rows.c{c}", "write", await Run(c, async (_, ct) =>
                {
                    // The rows a create writes in its transaction: post, two index copies and a counter shard.
                    var post = Seeder.NewPost(writer.HostedAccountId, DateTimeOffset.UtcNow, scheduled: false);
                    var actions = PostStore.NewPostRows(rawPartition, post, null).Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))
                        .Append(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                            PostStore.CounterShard(rawPartition, Random.Shared.Next(PostKeys.CounterShards), _ => 1)))
                        .ToList();
                    await posts.SubmitSinglePartitionAsync(actions, ct);
                    return true;
                }));
                measures.Add(raw);
                var hosted = $$$"""{"caption":"Bench #bench","accounts":[{"id":"{{{writer.HostedAccountId}}}"}],"media":{"type":"video","url":"https://cdn.example.com/bench.mp4"}}""";
                var mixed = $$$"""{"caption":"Bench #bench","accounts":[{"id":"{{{writer.ByoAccountId}}}"},{"id":"{{{writer.HostedAccountId}}}"}],"media":{"type":"video","url":"https://cdn.example.com/bench.mp4"}}""";
                measures.Add(Measure.Against($"write.create_post_hosted.c{c}", "write", await Run(c, (_, ct) => CreatedAsync(writerHttp, hosted, ct)), raw));
                measures.Add(Measure.Against($"write.create_post_byo_hosted.c{c}", "write", await Run(c, (_, ct) => CreatedAsync(writerHttp, mixed, ct)), raw,
                    "BYO target: also a media-work queue message"));
            }

            Progress($"seeding {settings.BigScope:N0} posts");
            var seedClock = System.Diagnostics.Stopwatch.StartNew();
            await Seeder.SeedAsync(posts, big.Scope, big.HostedAccountId, settings.BigScope, cancellationToken);
            Progress(string.Create(CultureInfo.InvariantCulture, $"seeded in {seedClock.Elapsed.TotalSeconds:F0} s; scale"));
            var store = new PostStore(storage);
            var scopes = new[] { ("small", small, settings.SmallScope, smallHttp), ("big", big, settings.BigScope, bigHttp) };
            foreach (var c in new[] { 1, 8 })
            {
                await AddScaleAsync(measures, $"scale.list_scheduled_50.c{c}", scopes, async (tenant, http) =>
                    await Run(c, (_, ct) => OkAsync(http, $"{Api}/posts?status=scheduled&limit=50", ct)));
            }

            await AddScaleAsync(measures, "scale.store_list_page.c1", scopes, async (tenant, _) => await Run(1, async (_, ct) =>
                (await store.ListAsync(tenant.Scope, PostStatus.Scheduled, null, null, null, 0, 50, ct)).Posts.Count == 50));
            await AddScaleAsync(measures, "scale.store_summary.c1", scopes, async (tenant, _) => await Run(1, async (_, ct) =>
                (await store.GetSummaryAsync(tenant.Scope, ct)).Total > 0));
        }
        finally
        {
            app?.Dispose();
        }

        measures.Add(new Measure("media.rehost_200mb", "media", null, Note: "not yet measured: media pipeline not landed")
        {
            Extra = { ["status"] = "not_measured" },
        });
        var sorted = startUps.Order().ToList();
        measures.Add(new Measure("startup.first_accounts_ok", "startup", null,
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
        });
        return measures;

        Task<Sample> Run(int concurrency, Func<int, CancellationToken, Task<bool>> operation) =>
            Load.RunAsync(concurrency, settings.WarmUp, settings.Duration, operation, cancellationToken);
    }

    /// <summary>The same measure for the small and the big scope; the big one's ratio is big over small.</summary>
    private static async Task AddScaleAsync(
        List<Measure> measures, string name, (string Label, Tenant Tenant, int Posts, HttpClient Http)[] scopes, Func<Tenant, HttpClient, Task<Sample>> run)
    {
        Measure? smallest = null;
        foreach (var (label, tenant, count, http) in scopes)
        {
            var sample = await run(tenant, http);
            var note = string.Create(CultureInfo.InvariantCulture, $"{count:N0} posts in scope");
            var measure = smallest is null
                ? new Measure($"{name}.{label}", "scale", sample, Note: note)
                : Measure.Against($"{name}.{label}", "scale", sample, smallest, note + "; ratio big/small");
            measure.Extra["posts_in_scope"] = count;
            measures.Add(measure);
            smallest ??= measure;
        }
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

    private static async Task<bool> OkAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task<bool> CreatedAsync(HttpClient http, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{Api}/posts", content, cancellationToken);
        return response.StatusCode == HttpStatusCode.Created;
    }

    private static void Progress(string step) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {step}");
}
