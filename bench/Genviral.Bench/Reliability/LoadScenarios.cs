using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Storage;

namespace Genviral.Bench.Reliability;

/// <summary>Scenarios 1 and 2: the mixed workload at the concurrency where throughput stops growing, then the same load through a storage outage.</summary>
internal static class LoadScenarios
{
    private const string Api = "/api/partner/v1";

    /// <summary>Two workspaces with two analytics targets and some posts each, for the mixed workload.</summary>
    public static async Task<IReadOnlyList<LoadTenant>> PrepareAsync(Rig rig, CancellationToken cancellationToken)
    {
        var tenants = new List<LoadTenant>();
        foreach (var name in new[] { "load-a", "load-b" })
        {
            var tenant = await rig.TenantAsync(name, withByo: false, cancellationToken);
            var http = rig.Client(tenant.Token);
            var targets = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                targets.Add(await CreateTargetAsync(rig, http, $"{name}_{i}", paysEveryRefresh: false, cancellationToken));
            }

            await tenant.GrantCreditsAsync(rig.Azurite.ConnectionString, 1000, cancellationToken);
            tenants.Add(new LoadTenant(tenant, http, rig.Platforms.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/_sim/media/load.mp4", targets));
        }

        return tenants;
    }

    /// <summary>The p99 past which a knee-search step counts as overload: well under the storage clients' 5 s per try.</summary>
    private static readonly TimeSpan KneeLatency = TimeSpan.FromSeconds(2);

    public static async Task<(ScenarioResult Result, int Knee)> SustainedAsync(Rig rig, IReadOnlyList<LoadTenant> tenants, ReliabilitySettings settings, CancellationToken cancellationToken)
    {
        var load = new MixedLoad(tenants);
        var steps = new List<(int Concurrency, double Rps)>();
        // Doubling the workers until two steps in a row bring no more than 10% over the best so far (one step alone is too
        // noisy on a shared machine), or until a step gets an answer of 500 or more or none, or a p99 over KneeLatency:
        // requests then queue, and storage calls come near their 5 s per try (StorageClients), past which the app sheds
        // load with 503, so that concurrency is past the knee (on a machine others load, more workers can still win a
        // bigger share of its cores without the app serving more). Only answers below 500 count as throughput (a quick
        // 503 is not work done). The knee is the smallest concurrency within 10% of the best among the steps kept.
        var flat = 0;
        for (var concurrency = settings.MinConcurrency; concurrency <= settings.MaxConcurrency && flat < 2; concurrency *= 2)
        {
            var calls = await load.RunAsync(concurrency, settings.KneeStep, cancellationToken);
            var rps = calls.Count(c => c.Status is > 0 and < 500) / settings.KneeStep.TotalSeconds;
            var failed = calls.Count(c => c.Status is 0 or >= 500);
            var p99 = MixedLoad.Percentile([.. calls.Select(c => c.LatencyMs)], 0.99);
            Rig.Progress(string.Create(CultureInfo.InvariantCulture, $"  concurrency {concurrency}: {rps:F0} requests/s, p99 {p99:F0} ms, {failed} answers ≥ 500 or none"));
            if ((failed > 0 || p99 > KneeLatency.TotalMilliseconds) && steps.Count > 0)
            {
                break;
            }

            flat = steps.Count > 0 && rps < steps.Max(s => s.Rps) * 1.1 ? flat + 1 : 0;
            steps.Add((concurrency, rps));
        }

        var knee = steps.First(s => s.Rps >= steps.Max(m => m.Rps) * 0.9).Concurrency;
        Rig.Progress($"  knee at concurrency {knee}; {settings.Load.TotalSeconds:0} s of load");
        var sustained = await load.RunAsync(knee, settings.Load, cancellationToken);
        // The media checks the creates queued finish, so the counters settle.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

        var (lost, duplicates, drift, undeleted) = await VerifyAsync(tenants, cancellationToken);
        long halfWritten = 0;
        foreach (var t in tenants)
        {
            halfWritten += (await Inspection.PostsAsync(rig.Storage, t.Tenant.Scope, cancellationToken)).HalfWritten;
        }

        var latencies = sustained.Where(c => c.Status is > 0 and < 500).Select(c => c.LatencyMs).ToList();
        var result = new ScenarioResult("sustained_load")
            .Add("knee_concurrency", knee)
            .Add("throughput_by_concurrency", string.Join(", ", steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Concurrency}:{s.Rps:F0}"))))
            .Add("seconds", settings.Load.TotalSeconds)
            .Add("requests", sustained.Count)
            .Add("rps", sustained.Count / settings.Load.TotalSeconds)
            .Add("p50_ms", MixedLoad.Percentile(latencies, 0.50))
            .Add("p99_ms", MixedLoad.Percentile(latencies, 0.99))
            .Goal("errors_5xx", sustained.Count(c => c.Status >= 500))
            .Goal("no_answer", sustained.Count(c => c.Status == 0))
            .Goal("lost_writes", lost)
            .Goal("duplicates", load.Duplicates + duplicates)
            .Goal("counter_drift", drift)
            .Goal("undeleted", undeleted)
            .Goal("half_written", halfWritten)
            .Goal("unexpected_answers", load.Unexpected.Values.Sum())
            .Add("unexpected_detail", string.Join("; ", load.Unexpected.Select(u => $"{u.Key} x{u.Value}")));
        return (result, knee);
    }

    /// <summary>
    /// Scenario 2. Returns the result and the audit of the credits, which the caller runs later: a refresh request the
    /// outage cut between its charge and its run message is finished by its recovery message, which shows
    /// <see cref="PendingWrites.Window"/> after the request (the stated bound), so the audit waits that long after the
    /// outage (the next scenarios run meanwhile).
    /// </summary>
    public static async Task<(ScenarioResult Result, Func<Task> AuditCredits)> OutageAsync(
        Rig rig, IReadOnlyList<LoadTenant> tenants, int concurrency, ReliabilitySettings settings, CancellationToken cancellationToken)
    {
        var load = new MixedLoad(tenants);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(concurrency, TimeSpan.FromHours(1), cancellationToken, stop.Token);
        await Task.Delay(settings.OutageLoadBefore, cancellationToken);

        var down = Rig.Clock.Elapsed.TotalSeconds;
        await rig.Azurite.StopAsync();
        var stopped = Rig.Clock.Elapsed.TotalSeconds;
        Rig.Progress(string.Create(CultureInfo.InvariantCulture, $"  Azurite stopped ({stopped - down:F1} s from SIGTERM to exit); {settings.Outage.TotalSeconds:0} s down"));
        await Task.Delay(settings.Outage, cancellationToken);
        var restarting = Rig.Clock.Elapsed.TotalSeconds;
        await rig.Azurite.StartAgainAsync(cancellationToken);
        var up = Rig.Clock.Elapsed.TotalSeconds;
        Rig.Progress(string.Create(CultureInfo.InvariantCulture, $"  Azurite started again on the same ports and data ({up - restarting:F1} s)"));
        await Task.Delay(settings.OutageLoadAfter, cancellationToken);
        await stop.CancelAsync();
        var calls = await running;

        // Whatever the outage interrupted (refreshes, media checks) has time to finish before storage is audited.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var during = calls.Where(c => c.StartS >= down && c.StartS < up).ToList();
        var unavailable = during.Where(c => c is { Status: 503, ErrorCode: "storage_unavailable" }).ToList();
        // Recovered from the first call after which nothing answered 503 or failed to answer.
        var failedAfter = calls.Where(c => c.StartS >= up && (c.Status is 0 or >= 500)).Select(c => c.StartS).DefaultIfEmpty(up).Max();
        var firstGood = calls.Where(c => c.StartS >= failedAfter && c.Status is > 0 and < 500).Select(c => c.StartS + (c.LatencyMs / 1000)).DefaultIfEmpty(double.NaN).Min();
        var recovered = double.IsNaN(firstGood) ? double.PositiveInfinity : Math.Max(0, firstGood - up);

        long halfPosts = 0;
        foreach (var t in tenants)
        {
            halfPosts += (await Inspection.PostsAsync(rig.Storage, t.Tenant.Scope, cancellationToken)).HalfWritten;
        }

        var bound = StorageClients.FailureBound.TotalMilliseconds;
        var result = new ScenarioResult("storage_outage")
            .Add("concurrency", concurrency)
            .Add("stopping_s", stopped - down)
            .Add("down_s", restarting - stopped)
            .Add("outage_s", up - down)
            .Add("requests", calls.Count)
            .Add("requests_during_outage", during.Count)
            .Add("answered_503_storage_unavailable", unavailable.Count)
            .Goal("errors_5xx_other_than_503", calls.Count(c => c.Status >= 500 && c is not { Status: 503, ErrorCode: "storage_unavailable" }))
            .Goal("answers_503_without_retry_after", unavailable.Count(c => !c.RetryAfter))
            .Goal("no_answer_or_no_envelope", calls.Count(c => c.Status == 0 || (c.Status >= 400 && !c.Envelope)))
            .Add("outage_p50_ms", MixedLoad.Percentile([.. during.Select(c => c.LatencyMs)], 0.5))
            .Goal("outage_max_ms", during.Select(c => c.LatencyMs).DefaultIfEmpty(0).Max(), bound)
            .Add("stated_bound_ms", bound)
            .Goal("recovered_after_s", recovered, 30)
            .Goal("half_written_posts", halfPosts)
            .Goal("unexpected_answers", load.Unexpected.Values.Sum())
            .Add("unexpected_detail", string.Join("; ", load.Unexpected.Select(u => $"{u.Key} x{u.Value}")));
        return (result, AuditCreditsAsync);

        async Task AuditCreditsAsync()
        {
            var settled = TimeSpan.FromSeconds(up) + PendingWrites.Window + TimeSpan.FromSeconds(30);
            int credits, stuck;
            do
            {
                (credits, stuck) = (0, 0);
                foreach (var t in tenants)
                {
                    var audit = await Inspection.CreditsAsync(rig.Storage, t.Tenant.Scope, cancellationToken);
                    credits += audit.ChargedWithoutRefresh + audit.RefreshWithoutCharge + audit.FailedNotRefunded + audit.LedgerDrift;
                    stuck += audit.Running;
                }
            }
            while (credits + stuck > 0 && Rig.Clock.Elapsed < settled && await Delay());

            result.Add("credits_audited_after_s", Rig.Clock.Elapsed.TotalSeconds - up)
                .Goal("half_written_credits", credits)
                .Goal("refreshes_stuck", stuck);
        }

        async Task<bool> Delay()
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return true;
        }
    }

    /// <summary>
    /// Every post the workload created and did not delete is readable and listed, once; every deleted one is gone; and
    /// the summary's counts equal the rows listed under each status.
    /// </summary>
    private static async Task<(int Lost, int Duplicates, long Drift, int Undeleted)> VerifyAsync(IReadOnlyList<LoadTenant> tenants, CancellationToken cancellationToken)
    {
        int lost = 0, duplicates = 0, undeleted = 0;
        long drift = 0;
        foreach (var t in tenants)
        {
            using var gate = new SemaphoreSlim(16);
            var reads = t.Live.Keys.Select(id => (Id: id, Expected: HttpStatusCode.OK)).Concat(t.Deleted.Keys.Select(id => (Id: id, Expected: HttpStatusCode.NotFound)));
            var outcomes = await Task.WhenAll(reads.Select(async read =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    using var response = await t.Http.GetAsync($"{Api}/posts/{read.Id}", cancellationToken);
                    return (read.Expected, Ok: response.StatusCode == read.Expected);
                }
                finally
                {
                    gate.Release();
                }
            }));
            lost += outcomes.Count(o => o.Expected == HttpStatusCode.OK && !o.Ok);
            undeleted += outcomes.Count(o => o.Expected == HttpStatusCode.NotFound && !o.Ok);

            var (summary, listed) = await ListAllAsync(t.Http, cancellationToken);
            var ids = listed.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            lost += t.Live.Keys.Count(id => !ids.Contains(id));
            duplicates += listed.Where(p => p.ExternalId is not null).GroupBy(p => p.ExternalId).Sum(g => g.Count() - 1);
            drift += summary.Sum(s => Math.Abs(s.Value - listed.Count(p => p.Status == s.Key)));
        }

        return (lost, duplicates, drift, undeleted);
    }

    /// <summary>The summary's count per status, and every post listed status by status through the cursors.</summary>
    private static async Task<(Dictionary<string, long> Summary, List<(string Id, string Status, string? ExternalId)> Posts)> ListAllAsync(HttpClient http, CancellationToken cancellationToken)
    {
        Dictionary<string, long>? summary = null;
        var posts = new List<(string, string, string?)>();
        foreach (var status in new[] { "draft", "pending", "scheduled", "retry", "posted", "failed", "partial" })
        {
            string? cursor = null;
            do
            {
                using var response = await http.GetAsync($"{Api}/posts?status={status}&limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), cancellationToken);
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                var data = body.RootElement.GetProperty("data");
                summary ??= data.GetProperty("summary").GetProperty("by_status").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
                foreach (var post in data.GetProperty("posts").EnumerateArray())
                {
                    posts.Add((post.GetProperty("id").GetString()!, post.GetProperty("status").GetString()!,
                        post.TryGetProperty("external_id", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null));
                }

                cursor = data.GetProperty("next_cursor").GetString();
            }
            while (cursor is not null);
        }

        return (summary!, posts);
    }

    /// <summary>
    /// An analytics target on a new TikTok handle the simulator knows; <paramref name="paysEveryRefresh"/> turns its free
    /// daily refresh off. Returns the target id and its handle.
    /// </summary>
    public static async Task<string> CreateTargetAsync(Rig rig, HttpClient http, string name, bool paysEveryRefresh, CancellationToken cancellationToken)
    {
        var handle = $"{name}_{Guid.NewGuid():N}"[..24];
        rig.Platforms.AddProfile(handle);
        using var created = await http.PostAsync($"{Api}/analytics/targets", Json(new JsonObject { ["platform"] = "tiktok", ["identifier"] = "@" + handle }), cancellationToken);
        created.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
        var id = body.RootElement.GetProperty("data").GetProperty("target").GetProperty("id").GetString()!;
        if (paysEveryRefresh)
        {
            using var patched = await http.PatchAsync($"{Api}/analytics/targets/{id}",
                Json(new JsonObject { ["refreshPolicy"] = new JsonObject { ["freeDailyRefresh"] = false } }), cancellationToken);
            patched.EnsureSuccessStatusCode();
        }

        rig.Handles[id] = handle;
        return id;
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
