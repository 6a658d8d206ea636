using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Posts;
using Genviral.Core.Storage;

namespace Genviral.Bench.Reliability;

/// <summary>
/// Scenarios 3, 4 and 5 share their crashes: large BYO videos are being re-hosted, dispatch ticks are publishing to a
/// slow simulator and many paid refreshes are being requested and run, all at once, when the app is killed with
/// SIGKILL (and started again with the same settings), once in a quick run, twice in a full one. Each scenario then
/// gets its own verdict, from storage and from the simulator's log.
/// </summary>
internal static class CrashPhase
{
    private const string Api = "/api/partner/v1";

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(Rig rig, ReliabilitySettings settings, CancellationToken cancellationToken)
    {
        rig.Platforms.Latency = TimeSpan.FromSeconds(1);
        // A download takes about 20 s: long enough for each crash to land in the middle of one.
        rig.Source.BytesPerSecond = settings.VideoBytes / 20;

        var media = await MediaSetup.PrepareAsync(rig, settings, cancellationToken);
        var publishing = await PublishSetup.PrepareAsync(rig, settings, cancellationToken);
        var credits = await CreditSetup.PrepareAsync(rig, settings, cancellationToken);

        var kills = new List<Kill>();
        var totalBytes = settings.VideoBytes * settings.MediaPosts;
        var half = credits.Targets.Count / 2;
        for (var crash = 0; crash < settings.Crashes; crash++)
        {
            // A batch of due posts per crash, so that each crash meets dispatch ticks under way: some published, some claimed.
            var batch = await publishing.CreateBatchAsync(crash, settings.Crashes, cancellationToken);
            Rig.Progress($"  publishing {batch} posts ({batch * 2} account states) through a slow simulator");
            var published = rig.Platforms.Publishing.Published.Count;
            await WaitAsync(async () => rig.Platforms.Publishing.Published.Count > published && await publishing.ClaimedAsync(rig, cancellationToken) > 0,
                TimeSpan.FromSeconds(40), cancellationToken);
            if (crash == 0)
            {
                Rig.Progress($"  re-hosting {settings.MediaPosts} videos of {settings.VideoBytes / (1024 * 1024)} MB; refreshing {credits.Targets.Count} paid targets");
                await media.CreateAsync(rig, cancellationToken);
            }

            // Into the downloads (30% of all the bytes before the first crash, a further 15% after a restart, or 40 s at most),
            // while the batch is still being published (a batch takes longer than that: about 1 s per platform call).
            var servedBefore = rig.Source.BytesServed;
            await WaitAsync(() => rig.Source.BytesServed - servedBefore >= totalBytes * (crash == 0 ? 0.30 : 0.15), TimeSpan.FromSeconds(40), cancellationToken);
            await WaitAsync(async () => await publishing.ClaimedAsync(rig, cancellationToken) > 0, TimeSpan.FromSeconds(20), cancellationToken);

            // Half the targets get refreshes that are running (charged, fetching stats) when the app dies, and the rest are
            // being charged at that very moment: their calls are still in flight when it is killed.
            await credits.FireAsync(credits.Targets.Take(half), 3, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var burst = credits.FireAsync(credits.Targets.Skip(half), 3, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(40), cancellationToken);
            var publishedBefore = rig.Platforms.Publishing.Published.Count;
            rig.Kill();
            var at = Rig.Clock.Elapsed.TotalSeconds;
            await burst;
            var kill = new Kill(
                at,
                publishedBefore,
                await publishing.ClaimedAsync(rig, cancellationToken),
                await media.WaitingAsync(rig, cancellationToken),
                await credits.RunningAsync(rig, cancellationToken));
            kills.Add(kill);
            Rig.Progress(string.Create(CultureInfo.InvariantCulture,
                $"  kill -9 at {at:F0} s: {kill.ClaimedStates} states claimed, {kill.MediaWaiting} videos not yet re-hosted, {kill.RefreshesRunning} refreshes running"));
            var startUp = await rig.RestartAsync(cancellationToken);
            Rig.Progress(string.Create(CultureInfo.InvariantCulture, $"  started again in {startUp.TotalSeconds:F1} s"));
        }

        // Refresh calls go on after the last restart, one per target every 2 s, then everything is left to finish.
        for (var round = 0; round < 3; round++)
        {
            await credits.FireAsync(credits.Targets, 1, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        var settleStart = Rig.Clock.Elapsed.TotalSeconds;
        // Claims of the killed process expire (Publishing:ClaimTimeout) and its queue messages show again (Queues:ProcessingLease)
        // before the work resumes, so only a minute without any progress means nothing will finish it.
        await WaitForProgressAsync(async () => await media.WaitingAsync(rig, cancellationToken) + await publishing.UnfinishedAsync(rig, cancellationToken)
            + await credits.RunningAsync(rig, cancellationToken), () => rig.Source.BytesServed + rig.Platforms.Publishing.Published.Count,
            TimeSpan.FromSeconds(60), settings.SettleTimeout, cancellationToken);
        Rig.Progress(string.Create(CultureInfo.InvariantCulture, $"  settled in {Rig.Clock.Elapsed.TotalSeconds - settleStart:F0} s; deleting half of the media posts, then waiting for the media sweep"));
        rig.Platforms.Latency = TimeSpan.Zero;
        rig.Source.BytesPerSecond = 0;

        var results = new List<ScenarioResult>
        {
            await media.ResultAsync(rig, kills, settings, cancellationToken),
            await publishing.ResultAsync(rig, kills, cancellationToken),
            await credits.ResultAsync(rig, kills, cancellationToken),
        };
        return results;
    }

    /// <summary>What was under way when the app was killed.</summary>
    internal sealed record Kill(double AtS, int PublishedBefore, int ClaimedStates, int MediaWaiting, int RefreshesRunning);

    /// <summary>Polls <paramref name="done"/> every half second until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static Task<bool> WaitAsync(Func<bool> done, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync(() => Task.FromResult(done()), timeout, cancellationToken);

    /// <summary>
    /// Polls until <paramref name="remaining"/> (work not finished yet) reaches 0, or neither it nor
    /// <paramref name="activity"/> (bytes served, posts published: work under way) has moved for <paramref name="stall"/>
    /// (nothing will finish it: the verdict can be given now), or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task WaitForProgressAsync(Func<Task<int>> remaining, Func<long> activity, TimeSpan stall, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Rig.Clock.Elapsed + timeout;
        var last = (Remaining: int.MaxValue, Activity: long.MinValue);
        var since = Rig.Clock.Elapsed;
        while (Rig.Clock.Elapsed < deadline)
        {
            var now = (Remaining: await remaining(), Activity: activity());
            if (now.Remaining == 0)
            {
                return;
            }

            if (now != last)
            {
                (last, since) = (now, Rig.Clock.Elapsed);
            }
            else if (Rig.Clock.Elapsed - since > stall)
            {
                return;
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    public static async Task<bool> WaitAsync(Func<Task<bool>> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Rig.Clock.Elapsed + timeout;
        while (Rig.Clock.Elapsed < deadline)
        {
            if (await done())
            {
                return true;
            }

            await Task.Delay(500, cancellationToken);
        }

        return await done();
    }

    /// <summary>Creates posts from <paramref name="bodies"/>, 8 at a time; returns the ids of those created.</summary>
    public static async Task<List<string>> CreatePostsAsync(HttpClient http, IEnumerable<string> bodies, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(8);
        var ids = await Task.WhenAll(bodies.Select(async body =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                using var response = await http.PostAsync($"{Api}/posts", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"Creating a post answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }

                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                return json.RootElement.GetProperty("data").GetProperty("id").GetString()!;
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. ids];
    }

    /// <summary>Scenario 3: BYO posts whose large videos are being re-hosted when the app dies.</summary>
    private sealed class MediaSetup(Tenant tenant, HttpClient http, List<string> bodies)
    {
        private readonly List<string> _ids = [];

        public static async Task<MediaSetup> PrepareAsync(Rig rig, ReliabilitySettings settings, CancellationToken cancellationToken)
        {
            var tenant = await rig.TenantAsync("crash-media", withByo: true, cancellationToken);
            // Posts 0 and 1 show the same video, and so do 2 and 3: one blob each pair, which deleting one of the two must not remove.
            var bodies = Enumerable.Range(0, settings.MediaPosts).Select(i => MixedLoad.PostBody(
                Rig.Unique("crash media #byo"), [tenant.ByoAccountId!], rig.Source.Video(i < 4 ? 1000 + (i / 2) : 1000 + i, settings.VideoBytes, viaLocalhost: true).ToString(),
                DateTimeOffset.UtcNow.AddDays(7))).ToList();
            return new MediaSetup(tenant, rig.Client(tenant.Token), bodies);
        }

        public async Task CreateAsync(Rig rig, CancellationToken cancellationToken) => _ids.AddRange(await CreatePostsAsync(http, bodies, cancellationToken));

        public async Task<int> WaitingAsync(Rig rig, CancellationToken cancellationToken) =>
            (await Inspection.PostsAsync(rig.Storage, tenant.Scope, cancellationToken)).Posts.Count(p => p.MediaState is { Ready: false, Failed: false });

        public async Task<ScenarioResult> ResultAsync(Rig rig, List<Kill> kills, ReliabilitySettings settings, CancellationToken cancellationToken)
        {
            var posts = (await Inspection.PostsAsync(rig.Storage, tenant.Scope, cancellationToken)).Posts;
            var ready = posts.Count(p => p.MediaState.Ready);
            var failed = posts.Count(p => p.MediaState.Failed);
            var stuck = posts.Count - ready - failed;

            // Delete one post of each shared pair and every other unshared one: their blobs must go, the shared ones must stay.
            var byCreated = posts.OrderBy(p => _ids.IndexOf(p.Id)).ToList();
            var delete = byCreated.Where((p, i) => i is 0 or 2 || (i >= 4 && i % 2 == 0)).Select(p => p.Id).ToList();
            using (var response = await http.PostAsync($"{Api}/posts/delete", LoadScenarios.Json(new JsonObject { ["postIds"] = new JsonArray([.. delete.Select(d => (JsonNode)d)]) }), cancellationToken))
            {
                response.EnsureSuccessStatusCode();
            }

            var sweepStart = Rig.Clock.Elapsed.TotalSeconds;
            MediaAudit audit = await Inspection.MediaAsync(rig.Storage, [tenant.Scope], cancellationToken);
            var grace = TimeSpan.Parse(rig.Settings["Media__OrphanGrace"], CultureInfo.InvariantCulture);
            await WaitAsync(async () => (audit = await Inspection.MediaAsync(rig.Storage, [tenant.Scope], cancellationToken)) is { Orphans: 0 } or { Missing: > 0 },
                grace * 2 + TimeSpan.FromSeconds(20), cancellationToken);
            return new ScenarioResult("crash_during_media")
                .Add("posts", posts.Count)
                .Add("video_mb", settings.VideoBytes / (1024 * 1024))
                .Add("crashes", kills.Count)
                .Add("not_rehosted_at_crash", kills.Sum(k => k.MediaWaiting))
                .Require(kills.All(k => k.MediaWaiting > 0), "a crash found no re-host under way")
                .Add("ready", ready)
                .Add("failed_clearly", failed)
                .Goal("posts_stuck", stuck)
                .Add("deleted_posts", delete.Count)
                .Goal("orphan_blobs", audit.Orphans)
                .Add("orphan_staging_blobs", audit.StagingOrphans)
                .Goal("missing_blobs", audit.Missing)
                .Add("uncommitted_staging_blobs", audit.UncommittedStaging)
                .Add("blobs_left", audit.Blobs)
                .Add("sweep_s", Rig.Clock.Elapsed.TotalSeconds - sweepStart);
        }
    }

    /// <summary>Scenario 4: due posts to two hosted accounts each, being published through a slow simulator when the app dies.</summary>
    private sealed class PublishSetup(Tenant tenant, HttpClient http, List<string> bodies, List<string> captions)
    {
        public static async Task<PublishSetup> PrepareAsync(Rig rig, ReliabilitySettings settings, CancellationToken cancellationToken)
        {
            var tenant = await rig.TenantAsync("crash-publish", withByo: false, cancellationToken);
            var instagram = await tenant.AddHostedAccountAsync(rig.Azurite.ConnectionString, "instagram", cancellationToken);
            var media = rig.Platforms.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/_sim/media/crash.mp4";
            var captions = Enumerable.Range(0, settings.PublishPosts).Select(i => Rig.Unique($"crash publish {i}")).ToList();
            var bodies = captions.Select(c => MixedLoad.PostBody(c, [tenant.HostedAccountId, instagram], media, scheduledAt: null)).ToList();
            return new PublishSetup(tenant, rig.Client(tenant.Token), bodies, captions);
        }

        /// <summary>Creates batch <paramref name="index"/> of <paramref name="count"/> equal ones; returns how many posts it holds.</summary>
        public async Task<int> CreateBatchAsync(int index, int count, CancellationToken cancellationToken)
        {
            var size = (bodies.Count + count - 1) / count;
            var batch = bodies.Skip(index * size).Take(size).ToList();
            await CreatePostsAsync(http, batch, cancellationToken);
            return batch.Count;
        }

        public async Task<int> ClaimedAsync(Rig rig, CancellationToken cancellationToken) =>
            (await Inspection.PostsAsync(rig.Storage, tenant.Scope, cancellationToken)).Posts.Sum(p => p.States.Count(s => s.Publishing?.ClaimId is not null));

        public async Task<int> UnfinishedAsync(Rig rig, CancellationToken cancellationToken) =>
            (await Inspection.PostsAsync(rig.Storage, tenant.Scope, cancellationToken)).Posts.Sum(p => p.States.Count(s => s.Status is not (PostStatus.Posted or PostStatus.Failed)));

        public async Task<ScenarioResult> ResultAsync(Rig rig, List<Kill> kills, CancellationToken cancellationToken)
        {
            var audit = await Inspection.PostsAsync(rig.Storage, tenant.Scope, cancellationToken);
            var posts = audit.Posts;
            var statesEnd = posts.SelectMany(p => p.States).ToList();
            var published = rig.Platforms.Publishing.Published.ToArray();
            var mine = captions.ToHashSet(StringComparer.Ordinal);
            int twice = 0, inWindow = 0;
            foreach (var group in published.Select((item, index) => (item, index)).Where(p => mine.Contains(p.item.Caption)).GroupBy(p => (p.item.Platform, p.item.Caption)))
            {
                var order = group.Select(g => g.index).Order().ToList();
                for (var i = 1; i < order.Count; i++)
                {
                    // A second publish is the documented window only when a crash fell between it and the one before.
                    if (kills.Any(k => order[i - 1] < k.PublishedBefore && k.PublishedBefore <= order[i]))
                    {
                        inWindow++;
                    }
                    else
                    {
                        twice++;
                    }
                }
            }

            return new ScenarioResult("crash_during_publishing")
                .Add("account_states", statesEnd.Count)
                .Add("crashes", kills.Count)
                .Add("claimed_at_crash", kills.Sum(k => k.ClaimedStates))
                .Require(kills.All(k => k.ClaimedStates > 0), "a crash found no account state being published")
                .Add("posted", statesEnd.Count(s => s.Status == PostStatus.Posted))
                .Add("failed", statesEnd.Count(s => s.Status == PostStatus.Failed))
                .Goal("stuck", statesEnd.Count(s => s.Status is not (PostStatus.Posted or PostStatus.Failed)))
                .Add("stuck_detail", audit.Unfinished(_ => true))
                .Add("stuck_without_due_entry", audit.Unscheduled)
                .Add("publishes", published.Count(p => mine.Contains(p.Caption)))
                .Goal("published_twice", twice)
                .Add("published_twice_in_window", inWindow);
        }
    }

    /// <summary>Scenario 5: owners with a few credits each and targets with no free refresh, refreshed from many callers at once across the crash.</summary>
    private sealed class CreditSetup(List<(Tenant Owner, HttpClient Http)> owners, List<(int Owner, string TargetId)> targets)
    {
        private int _calls;
        private int _accepted;

        public List<(int Owner, string TargetId)> Targets => targets;

        public static async Task<CreditSetup> PrepareAsync(Rig rig, ReliabilitySettings settings, CancellationToken cancellationToken)
        {
            var owners = new List<(Tenant, HttpClient)>();
            var targets = new List<(int, string)>();
            for (var o = 0; o < settings.Owners; o++)
            {
                var owner = await rig.TenantAsync($"credits-{o}", withByo: false, cancellationToken);
                await owner.GrantCreditsAsync(rig.Azurite.ConnectionString, settings.CreditsPerOwner, cancellationToken);
                var http = rig.Client(owner.Token);
                owners.Add((owner, http));
                for (var t = 0; t < settings.TargetsPerOwner; t++)
                {
                    // Every refresh costs a credit: no free daily one.
                    var id = await LoadScenarios.CreateTargetAsync(rig, http, $"c{o}_{t}", paysEveryRefresh: true, cancellationToken);
                    targets.Add((o, id));
                }
            }

            return new CreditSetup(owners, targets);
        }

        /// <summary><paramref name="callers"/> refresh calls per target of <paramref name="subset"/>, all at once; a call the crash cuts off counts as made.</summary>
        public Task FireAsync(IEnumerable<(int Owner, string TargetId)> subset, int callers, CancellationToken cancellationToken) =>
            Task.WhenAll(subset.SelectMany(t => Enumerable.Range(0, callers).Select(async _ =>
            {
                Interlocked.Increment(ref _calls);
                try
                {
                    using var response = await owners[t.Owner].Http.PostAsync($"{Api}/analytics/targets/{t.TargetId}/refresh", null, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref _accepted);
                    }
                }
                catch (HttpRequestException)
                {
                    // The app was killed under the call: the owner's ledger must still add up.
                }
            })));

        public async Task<int> RunningAsync(Rig rig, CancellationToken cancellationToken)
        {
            var running = 0;
            foreach (var (owner, _) in owners)
            {
                running += (await Inspection.CreditsAsync(rig.Storage, owner.Scope, cancellationToken)).Running;
            }

            return running;
        }

        public async Task<ScenarioResult> ResultAsync(Rig rig, List<Kill> kills, CancellationToken cancellationToken)
        {
            // A call the kill cut after its charge and before its refresh row is finished by its recovery message, which
            // shows PendingWrites.Window after the call (the stated bound): until then the ledger may still be one ahead.
            var due = TimeSpan.FromSeconds(kills.Max(k => k.AtS)) + PendingWrites.Window + TimeSpan.FromSeconds(30);
            var audits = new List<CreditAudit>();
            while (true)
            {
                audits.Clear();
                foreach (var (owner, _) in owners)
                {
                    audits.Add(await Inspection.CreditsAsync(rig.Storage, owner.Scope, cancellationToken));
                }

                if (audits.All(a => a.IdentityMismatch + a.ChargedWithoutRefresh + a.Running == 0) || Rig.Clock.Elapsed >= due)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }

            return new ScenarioResult("crash_during_refreshes")
                .Add("owners", owners.Count)
                .Add("targets", targets.Count)
                .Add("refresh_calls", _calls)
                .Add("accepted", _accepted)
                .Add("refreshes", audits.Sum(a => a.Refreshes))
                .Add("running_at_crash", kills.Sum(k => k.RefreshesRunning))
                .Require(kills.All(k => k.RefreshesRunning > 0), "a crash found no refresh running")
                .Add("credits_used", audits.Sum(a => a.Used))
                .Add("paid_refreshes_completed_or_running", audits.Sum(a => a.PaidActive))
                .Goal("identity_mismatch", audits.Sum(a => a.IdentityMismatch))
                .Goal("credits_lost", audits.Sum(a => a.ChargedWithoutRefresh + a.FailedNotRefunded))
                .Goal("credits_double_charged", audits.Sum(a => a.LedgerDrift))
                .Goal("refreshes_unpaid", audits.Sum(a => a.RefreshWithoutCharge))
                .Goal("refreshes_stuck", audits.Sum(a => a.Running));
        }
    }
}
