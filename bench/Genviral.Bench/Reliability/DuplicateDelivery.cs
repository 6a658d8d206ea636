using System.Globalization;
using Azure.Data.Tables;
using Genviral.Core.Analytics;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Bench.Reliability;

/// <summary>
/// Scenario 6: at-least-once delivery taken literally. The app's queue endpoint is a proxy that puts every message of
/// every queue twice, and an in-process twin of the app runs its timer work (a dispatch tick, the free-snapshot
/// capture) twice more on every beat, side by side, while posts are published, videos re-hosted and refreshes run.
/// Nothing may happen twice: a post published twice, a video fetched twice, a refresh run twice, a second free
/// refresh of a target in a day, a credit taken twice.
/// </summary>
internal static class DuplicateDelivery
{
    private const string Api = "/api/partner/v1";

    public static async Task<ScenarioResult> RunAsync(Rig rig, ReliabilitySettings settings, CancellationToken cancellationToken)
    {
        await rig.StartAppAsync(duplicateQueueMessages: true, cancellationToken);
        var twin = await rig.TwinAsync(cancellationToken);
        var dispatcher = twin.GetRequiredService<PostDispatcher>();
        var capture = twin.GetRequiredService<FreeSnapshotCapture>();
        rig.Platforms.Latency = TimeSpan.FromMilliseconds(200);

        var tenant = await rig.TenantAsync("duplicates", withByo: true, cancellationToken);
        await tenant.GrantCreditsAsync(rig.Azurite.ConnectionString, 100, cancellationToken);
        var http = rig.Client(tenant.Token);
        var handles = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            // Half the targets pay for every refresh; the others get their free daily one first.
            var id = await LoadScenarios.CreateTargetAsync(rig, http, $"dup{i}", paysEveryRefresh: i % 2 == 1, cancellationToken);
            handles[id] = rig.Handles[id];
        }

        var mediaUrl = rig.Platforms.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/_sim/media/dup.mp4";
        var captions = new List<string>();
        var videos = new List<string>();
        var timerRuns = 0;
        using var stop = new CancellationTokenSource(settings.DuplicateLoad);
        async Task Every(TimeSpan interval, Func<int, Task> work)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await work(i);
                try
                {
                    await Task.Delay(interval, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        Rig.Progress($"  {settings.DuplicateLoad.TotalSeconds:0} s of publishing, re-hosting and refreshing with every queue message put twice and the timers fired twice more");
        await Task.WhenAll(
            Every(TimeSpan.FromMilliseconds(300), async _ =>
            {
                var caption = Rig.Unique("duplicate publish");
                lock (captions)
                {
                    captions.Add(caption);
                }

                await CrashPhase.CreatePostsAsync(http, [MixedLoad.PostBody(caption, [tenant.HostedAccountId], mediaUrl, scheduledAt: null)], cancellationToken);
            }),
            Every(TimeSpan.FromMilliseconds(700), async i =>
            {
                var video = rig.Source.Video(5000 + i, 2 * 1024 * 1024, viaLocalhost: true);
                lock (videos)
                {
                    videos.Add(video.AbsolutePath);
                }

                await CrashPhase.CreatePostsAsync(http, [MixedLoad.PostBody(Rig.Unique("duplicate media"), [tenant.ByoAccountId!], video.ToString(), DateTimeOffset.UtcNow.AddDays(7))],
                    cancellationToken);
            }),
            Every(TimeSpan.FromSeconds(2), async _ =>
            {
                await Task.WhenAll(handles.Keys.Select(async id =>
                {
                    using var response = await http.PostAsync($"{Api}/analytics/targets/{id}/refresh", null, cancellationToken);
                }));
            }),
            Every(TimeSpan.FromSeconds(1), async _ =>
            {
                await Task.WhenAll(dispatcher.RunAsync(cancellationToken), dispatcher.RunAsync(cancellationToken), capture.CaptureAsync(cancellationToken), capture.CaptureAsync(cancellationToken));
                Interlocked.Add(ref timerRuns, 2);
            }));

        var settleStart = Rig.Clock.Elapsed.TotalSeconds;
        await CrashPhase.WaitForProgressAsync(async () => Unfinished((await Inspection.PostsAsync(rig.Storage, tenant.Scope, cancellationToken)).Posts)
            + (await Inspection.CreditsAsync(rig.Storage, tenant.Scope, cancellationToken)).Running, () => rig.Source.BytesServed + rig.Platforms.Publishing.Published.Count,
            TimeSpan.FromSeconds(30), settings.SettleTimeout, cancellationToken);
        await rig.Duplicator!.DrainAsync();
        // Copies put last are still to be delivered: give them time to be handled (and to do nothing).
        await Task.Delay(TimeSpan.FromSeconds(6), cancellationToken);
        Rig.Progress(string.Create(CultureInfo.InvariantCulture, $"  settled in {Rig.Clock.Elapsed.TotalSeconds - settleStart:F0} s"));
        rig.Platforms.Latency = TimeSpan.Zero;

        var audit = await Inspection.PostsAsync(rig.Storage, tenant.Scope, cancellationToken);
        var postsEnd = audit.Posts;
        var publishCounts = rig.Platforms.PublishCounts();
        var publishedTwice = captions.Sum(c => Math.Max(0, publishCounts.GetValueOrDefault(("tiktok", c)) - 1));
        var fetchedTwice = videos.Sum(v => Math.Max(0, rig.Source.Requests.GetValueOrDefault(v) - 1));

        var refreshes = new List<TableEntity>();
        await foreach (var row in rig.Storage.Table(StorageNames.AnalyticsTable).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {tenant.Scope.PartitionKey} and RowKey ge {"refresh|"} and RowKey lt {"refresh|~"}"), cancellationToken: cancellationToken))
        {
            refreshes.Add(row);
        }

        var completed = refreshes.Where(r => r.GetString("Status") == "completed").GroupBy(r => r.GetString("TargetId")).ToDictionary(g => g.Key, g => g.Count());
        var runTwice = handles.Sum(h => Math.Max(0, rig.Platforms.ProfileFetches.GetValueOrDefault(h.Value) - completed.GetValueOrDefault(h.Key)));
        var freeTwice = refreshes.Where(r => r.GetBoolean("FreeRefreshUsed") == true)
            .GroupBy(r => (r.GetString("TargetId"), AnalyticsKeys.Day(r.GetDateTimeOffset("StartedAt") ?? default))).Sum(g => g.Count() - 1);
        var credits = await Inspection.CreditsAsync(rig.Storage, tenant.Scope, cancellationToken);
        var creditEffects = credits.IdentityMismatch + credits.LedgerDrift + credits.ChargedWithoutRefresh + credits.RefreshWithoutCharge + credits.FailedNotRefunded;
        return new ScenarioResult("duplicate_delivery")
            .Add("seconds", settings.DuplicateLoad.TotalSeconds)
            .Add("messages_put", rig.Duplicator.Puts)
            .Add("copies_put", rig.Duplicator.Copies)
            .Add("extra_timer_runs", timerRuns)
            .Add("posts_published", postsEnd.Count(p => p.ScheduledAt is null && p.Status == PostStatus.Posted))
            .Add("videos_rehosted", postsEnd.Count(p => p.MediaState is { Ready: true, NeedsRehost: true }))
            .Add("refreshes", refreshes.Count)
            .Add("published_twice", publishedTwice)
            .Add("videos_fetched_twice", fetchedTwice)
            .Add("refreshes_run_twice", runTwice)
            .Add("free_refreshes_twice", freeTwice)
            .Add("credit_effects", creditEffects)
            .Goal("stuck", Unfinished(postsEnd) + credits.Running)
            .Add("stuck_detail", audit.Unfinished(p => p.ScheduledAt is null))
            .Add("stuck_without_due_entry", audit.Unscheduled)
            .Goal("double_effects", publishedTwice + fetchedTwice + runTwice + freeTwice + creditEffects);
    }

    /// <summary>Posts whose media is neither ready nor failed, and account states of due posts not yet posted or failed.</summary>
    private static int Unfinished(IReadOnlyList<Post> posts) =>
        posts.Count(p => !(p.MediaState.Ready || p.MediaState.Failed))
        + posts.Where(p => p.ScheduledAt is null).Sum(p => p.States.Count(s => s.Status is not (PostStatus.Posted or PostStatus.Failed)));
}
