using Azure;
using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Platforms.Stats;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Logging;

namespace Genviral.Core.Analytics;

public enum RefreshRequestOutcome
{
    Queued,
    NotFound,
    RateLimited,
    Conflict,
    InsufficientCredits,
}

public sealed record RefreshRequestResult(RefreshRequestOutcome Outcome, AnalyticsRefresh? Refresh = null, TimeSpan RetryAfter = default);

/// <summary>
/// The refresh life cycle: a request decides free or paid and queues the work; the consumer fetches the stats,
/// writes the snapshot and completes the row, or fails it and refunds the credit. The target row is the lock: its
/// ActiveRefreshId is set in the same transaction that creates the refresh, with the target's ETag.
/// <para>
/// The charge (owner's partition), the refresh row (scope's analytics partition) and the queue message cannot be
/// written together, so a request first puts a recovery message for the refresh, visible only after
/// <see cref="PendingWrites.Window"/>, then charges, creates the refresh and queues its run. Whatever a crash
/// interrupts, the recovery message finishes: a refresh that exists but never got its run message is run, and a
/// refresh that was charged but never created is recorded as abandoned and its credit given back.
/// </para>
/// </summary>
public sealed partial class AnalyticsRefreshes(
    AnalyticsStore store,
    CreditLedger credits,
    AnalyticsWork work,
    DailySnapshotIndex dailyIndex,
    StatsConnectors connectors,
    ConflictRetry conflicts,
    TimeProvider time,
    ILogger<AnalyticsRefreshes> logger)
{
    public const int CreditsPerRefresh = 1;
    public const int MaxCallsPerWindow = 5;
    public static readonly TimeSpan CallWindow = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a delivery holds a refresh it runs; another copy of its message waits meanwhile. Longer than a run
    /// takes (a few platform calls, each bounded by Publishing:RequestTimeout); the same message redelivered after a
    /// crash takes it over at once.
    /// </summary>
    internal static readonly TimeSpan ProcessingLease = TimeSpan.FromMinutes(5);

    public async Task<RefreshRequestResult> RequestAsync(Scope scope, string targetId, CancellationToken cancellationToken)
    {
        var result = await conflicts.RunAsync(() => DecideAsync(scope, targetId, cancellationToken));
        if (result.Outcome == RefreshRequestOutcome.Queued)
        {
            try
            {
                await work.SendRefreshAsync(scope, targetId, result.Refresh!.Id, delay: null, cancellationToken);
            }
            catch (Exception e) when (e is RequestFailedException or OperationCanceledException || StorageFailures.IsUnavailable(e, cancellationToken))
            {
                // The caller is told it failed, so fail it now rather than have the recovery message run it later. If that
                // fails too (storage down), the recovery message still runs it: it is never left pending.
                await FailAsync(scope, result.Refresh!.Id, "Could not queue the refresh", CancellationToken.None);
                throw;
            }
        }

        return result;
    }

    /// <summary>One pass of a refresh request over the target as read now; when the target changed meanwhile the write loses its race and the pass runs again.</summary>
    private async Task<RefreshRequestResult> DecideAsync(Scope scope, string targetId, CancellationToken cancellationToken)
    {
        var target = await store.GetTargetEntityAsync(scope, targetId, cancellationToken);
        if (target is null)
        {
            return new RefreshRequestResult(RefreshRequestOutcome.NotFound);
        }

        var now = time.GetUtcNow();
        var calls = target.Calls().Where(c => c > now - CallWindow).Order().ToList();
        if (calls.Count >= MaxCallsPerWindow)
        {
            var wait = calls[0] + CallWindow - now;
            return new RefreshRequestResult(RefreshRequestOutcome.RateLimited, RetryAfter: wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1));
        }

        calls.Add(now);
        target.SetCalls(calls);
        if (target.ActiveRefreshId is not null)
        {
            // Counted towards the burst limit, but nothing else changes.
            await store.ReplaceTargetAsync(target, cancellationToken);
            return new RefreshRequestResult(RefreshRequestOutcome.Conflict);
        }

        var day = AnalyticsKeys.Day(now);
        var free = target.ToTarget().FreeRefreshAvailable(day);
        var refreshId = Guid.NewGuid().ToString();
        // First, harmless alone: the message that finishes whatever a crash leaves of the charge, the create and the run.
        await work.SendRefreshAsync(scope, targetId, refreshId, PendingWrites.Window, cancellationToken);
        if (!free && !await credits.ChargeAsync(scope, refreshId, CreditsPerRefresh, cancellationToken))
        {
            await store.ReplaceTargetAsync(target, cancellationToken);
            return new RefreshRequestResult(RefreshRequestOutcome.InsufficientCredits);
        }

        var refresh = new AnalyticsRefresh(refreshId, targetId, RefreshStatus.Pending, free, free ? 0 : CreditsPerRefresh, now, null, null);
        try
        {
            await store.CreateRefreshAsync(scope, target, refresh, free ? day : null, cancellationToken);
        }
        catch (RequestFailedException e) when (!free && ConflictRetry.IsLostRace(e))
        {
            // The target changed (another refresh won the race): give the credit back before deciding again.
            await credits.RefundAsync(scope, refreshId, CreditsPerRefresh, cancellationToken);
            throw;
        }

        return new RefreshRequestResult(RefreshRequestOutcome.Queued, refresh);
    }

    /// <summary>Handles one analytics-refresh message. Throws to have it retried; never throws on its last attempt for a platform failure.</summary>
    /// <exception cref="RetryLaterException">Another copy of the message is running this refresh right now.</exception>
    public async Task RunAsync(AnalyticsWorkMessage message, QueueDelivery delivery, CancellationToken cancellationToken)
    {
        if (!Scope.TryParsePartitionKey(message.Scope, out var scope))
        {
            LogDropped(logger, message.Scope, message.TargetId);
            return;
        }

        var refreshId = message.RefreshId;
        if (message.Day is { } day)
        {
            refreshId = await ClaimDailyAsync(scope, message.TargetId, day, cancellationToken);
            if (refreshId is null)
            {
                return;
            }
        }

        await ProcessAsync(scope, message.TargetId, refreshId!, delivery, cancellationToken);
    }

    /// <summary>Deletes a target with its history; a refresh still pending or processing is failed first, so its credit comes back.</summary>
    public async Task<bool> DeleteTargetAsync(Scope scope, string targetId, CancellationToken cancellationToken)
    {
        var target = await store.GetTargetEntityAsync(scope, targetId, cancellationToken);
        if (target?.ActiveRefreshId is { } active)
        {
            await FailAsync(scope, active, "The target was deleted", cancellationToken);
        }

        return await store.DeleteTargetAsync(scope, targetId, cancellationToken);
    }

    /// <summary>Marks a refresh failed (with its reason) and refunds its credit; both happen at most once, and never for a completed refresh.</summary>
    public async Task FailAsync(Scope scope, string refreshId, string error, CancellationToken cancellationToken)
    {
        var refresh = await store.FinishRefreshAsync(scope, refreshId, RefreshStatus.Failed, error, null, null, cancellationToken);
        if (refresh is { RefreshStatus: RefreshStatus.Failed, CreditsUsed: > 0 })
        {
            await credits.RefundAsync(scope, refreshId, refresh.CreditsUsed, cancellationToken);
        }
    }

    /// <summary>
    /// The free daily snapshot of a target: skipped when the target is gone (and dropped from the index), opted out,
    /// or already had its free refresh that day. Otherwise the refresh with the day's fixed id is created and the
    /// free refresh marked used in one transaction, so a redelivered message resumes that refresh instead of adding one.
    /// </summary>
    private Task<string?> ClaimDailyAsync(Scope scope, string targetId, string day, CancellationToken cancellationToken)
    {
        var refreshId = AnalyticsKeys.DailyRefreshId(targetId, day);
        return conflicts.RunAsync<string?>(async () =>
        {
            var target = await store.GetTargetEntityAsync(scope, targetId, cancellationToken);
            if (target is null)
            {
                await dailyIndex.UntrackAsync(scope, targetId, day, cancellationToken);
                return null;
            }

            if (target.ActiveRefreshId == refreshId)
            {
                return refreshId;
            }

            var today = AnalyticsKeys.Day(time.GetUtcNow());
            if (day != today || target.ActiveRefreshId is not null || !target.ToTarget().FreeRefreshAvailable(day))
            {
                // A late message for an earlier day, a refresh running now, opted out, or the free refresh already used.
                return null;
            }

            var refresh = new AnalyticsRefresh(refreshId, targetId, RefreshStatus.Pending, true, 0, time.GetUtcNow(), null, null);
            try
            {
                await store.CreateRefreshAsync(scope, target, refresh, day, cancellationToken);
                return refreshId;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // This day's refresh exists and is no longer active: it ran already. (A 412, the target changed, is the retry's.)
                return null;
            }
        });
    }

    private async Task ProcessAsync(Scope scope, string targetId, string refreshId, QueueDelivery delivery, CancellationToken cancellationToken)
    {
        var isLastAttempt = delivery.IsLastAttempt;
        var refresh = await store.GetRefreshEntityAsync(scope, refreshId, cancellationToken);
        if (refresh is null)
        {
            // Its target was deleted with its history, or (the recovery message) its request stopped before creating it.
            await AbandonAsync(scope, targetId, refreshId, cancellationToken);
            return;
        }

        if (refresh.RefreshStatus is RefreshStatus.Completed or RefreshStatus.Failed)
        {
            // Delivered again: the work is done; make sure a failed refresh's refund happened.
            if (refresh.RefreshStatus == RefreshStatus.Failed && refresh.CreditsUsed > 0)
            {
                await credits.RefundAsync(scope, refreshId, refresh.CreditsUsed, cancellationToken);
            }

            return;
        }

        var target = await store.GetTargetAsync(scope, refresh.TargetId, cancellationToken);
        if (target is null)
        {
            await FailAsync(scope, refreshId, "The target was deleted", cancellationToken);
            return;
        }

        var now = time.GetUtcNow();
        if (refresh.ProcessingBy is { } holder && holder != delivery.MessageId && refresh.ProcessingUntil > now)
        {
            // Another copy of this message runs it now (queues deliver at least once): the platform is asked once. On
            // its last attempt this copy stops here; the holder's message stays queued until it has finished.
            if (isLastAttempt)
            {
                LogHeld(logger, refreshId, holder);
                return;
            }

            throw new RetryLaterException($"Message {holder} is running refresh {refreshId} until {refresh.ProcessingUntil:O}.");
        }

        try
        {
            await store.MarkProcessingAsync(refresh, delivery.MessageId, now + ProcessingLease, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Another copy took it (or finished it) first: this delivery comes back later and finds out which.
            throw new RetryLaterException($"Refresh {refreshId} changed while this delivery took it.", e);
        }

        ProfileStats stats;
        try
        {
            stats = await connectors.For(target.Platform).FetchAsync(target.NormalizedIdentifier, target.MaxPosts, cancellationToken);
        }
        catch (PlatformStatsException e) when (e.Permanent || isLastAttempt)
        {
            await FailAsync(scope, refreshId, e.Message, cancellationToken);
            return;
        }
        catch (HttpRequestException e) when (isLastAttempt)
        {
            await FailAsync(scope, refreshId, $"{target.Platform.ToWire()} could not be reached: {e.Message}", cancellationToken);
            return;
        }

        var fetched = time.GetUtcNow();
        var snapshot = new AccountSnapshot(stats.Followers, stats.Views, stats.Likes, fetched);
        var posts = stats.Posts.Select(p => new PostSnapshot(target.Id, target.Platform, p.PlatformPostId, p.PublishedAt, p.Caption, p.Permalink, p.ThumbnailUrl,
            p.DurationSeconds, p.Views, p.Likes, p.Comments, p.Shares, p.Saves, fetched)).ToList();
        await store.SaveStatsAsync(scope, target.Id, snapshot, posts, cancellationToken);
        await store.FinishRefreshAsync(scope, refreshId, RefreshStatus.Completed, null, snapshot, stats.AvatarUrl, cancellationToken);
    }

    /// <summary>
    /// A refresh a message names does not exist: its target was deleted with its history (its credit came back then),
    /// or its request stopped after its recovery message and before its create. If that request charged a credit, the
    /// refresh is recorded as never started, so the request can no longer create it, and the credit is given back.
    /// </summary>
    private async Task AbandonAsync(Scope scope, string targetId, string refreshId, CancellationToken cancellationToken)
    {
        if (!await credits.HoldsChargeAsync(scope, refreshId, cancellationToken))
        {
            // Nothing to give back: it stopped before its charge (or found too few credits), it is a free refresh, or
            // it lost its race for the target and gave its credit back itself (it will not create the refresh either).
            return;
        }

        if (await store.GetTargetAsync(scope, targetId, cancellationToken) is not null && !await store.AbandonRefreshAsync(scope, targetId, refreshId, cancellationToken))
        {
            // Created meanwhile after all: its own run message runs it.
            return;
        }

        if (await credits.RefundAsync(scope, refreshId, CreditsPerRefresh, cancellationToken))
        {
            LogAbandoned(logger, refreshId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refresh {RefreshId} held by message {Holder}: this copy stops on its last attempt")]
    private static partial void LogHeld(ILogger logger, string refreshId, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh {RefreshId} was charged but never created: its credit was given back")]
    private static partial void LogAbandoned(ILogger logger, string refreshId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped analytics work for unknown scope {Scope}, target {TargetId}")]
    private static partial void LogDropped(ILogger logger, string scope, string targetId);
}
