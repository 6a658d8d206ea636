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
/// </summary>
public sealed partial class AnalyticsRefreshes(
    AnalyticsStore store,
    CreditLedger credits,
    AnalyticsWork work,
    DailySnapshotIndex dailyIndex,
    StatsConnectors connectors,
    TimeProvider time,
    ILogger<AnalyticsRefreshes> logger)
{
    public const int CreditsPerRefresh = 1;
    public const int MaxCallsPerWindow = 5;
    public static readonly TimeSpan CallWindow = TimeSpan.FromSeconds(60);

    public async Task<RefreshRequestResult> RequestAsync(Scope scope, string targetId, CancellationToken cancellationToken)
    {
        while (true)
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
                if (await TryReplaceAsync(target, cancellationToken))
                {
                    return new RefreshRequestResult(RefreshRequestOutcome.Conflict);
                }

                continue;
            }

            var day = AnalyticsKeys.Day(now);
            var free = target.ToTarget().FreeRefreshAvailable(day);
            var refreshId = Guid.NewGuid().ToString();
            if (!free && !await credits.ChargeAsync(scope, refreshId, CreditsPerRefresh, cancellationToken))
            {
                if (await TryReplaceAsync(target, cancellationToken))
                {
                    return new RefreshRequestResult(RefreshRequestOutcome.InsufficientCredits);
                }

                continue;
            }

            var refresh = new AnalyticsRefresh(refreshId, targetId, RefreshStatus.Pending, free, free ? 0 : CreditsPerRefresh, now, null, null);
            try
            {
                await CreateRefreshAsync(scope, target, refresh, free ? day : null, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 412)
            {
                // The target changed (another refresh won the race): give the credit back and decide again.
                if (!free)
                {
                    await credits.RefundAsync(scope, refreshId, CreditsPerRefresh, cancellationToken);
                }

                continue;
            }

            try
            {
                await work.SendRefreshAsync(scope, targetId, refreshId, cancellationToken);
            }
            catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
            {
                // Without a message nothing would ever run it: fail it now rather than leave it pending.
                await FailAsync(scope, refreshId, "Could not queue the refresh", CancellationToken.None);
                throw;
            }

            return new RefreshRequestResult(RefreshRequestOutcome.Queued, refresh);
        }
    }

    /// <summary>Handles one analytics-refresh message. Throws to have it retried; never throws on its last attempt for a platform failure.</summary>
    public async Task RunAsync(AnalyticsWorkMessage message, bool isLastAttempt, CancellationToken cancellationToken)
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

        await ProcessAsync(scope, refreshId!, isLastAttempt, cancellationToken);
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

    /// <summary>Marks a refresh failed (with its reason) and refunds its credit; both happen at most once.</summary>
    public async Task FailAsync(Scope scope, string refreshId, string error, CancellationToken cancellationToken)
    {
        var refresh = await store.GetRefreshEntityAsync(scope, refreshId, cancellationToken);
        if (refresh is null || refresh.RefreshStatus == RefreshStatus.Completed)
        {
            return;
        }

        if (refresh.RefreshStatus is RefreshStatus.Pending or RefreshStatus.Processing)
        {
            await FinishAsync(scope, refresh, RefreshStatus.Failed, error, null, null, cancellationToken);
        }

        if (refresh.CreditsUsed > 0)
        {
            await credits.RefundAsync(scope, refreshId, refresh.CreditsUsed, cancellationToken);
        }
    }

    /// <summary>
    /// The free daily snapshot of a target: skipped when the target is gone (and dropped from the index), opted out,
    /// or already had its free refresh that day. Otherwise the refresh with the day's fixed id is created and the
    /// free refresh marked used in one transaction, so a redelivered message resumes that refresh instead of adding one.
    /// </summary>
    private async Task<string?> ClaimDailyAsync(Scope scope, string targetId, string day, CancellationToken cancellationToken)
    {
        var refreshId = AnalyticsKeys.DailyRefreshId(targetId, day);
        while (true)
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
                await CreateRefreshAsync(scope, target, refresh, day, cancellationToken);
                return refreshId;
            }
            catch (TableTransactionFailedException e) when (e.Status == 412)
            {
                // The target changed: look again.
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // This day's refresh exists and is no longer active: it ran already.
                return null;
            }
        }
    }

    private async Task CreateRefreshAsync(Scope scope, TargetEntity target, AnalyticsRefresh refresh, string? freeDay, CancellationToken cancellationToken)
    {
        target.ActiveRefreshId = refresh.Id;
        target.LastRefreshId = refresh.Id;
        target.LastRefreshStatus = RefreshStatus.Pending.ToWire();
        target.LastRefreshCompletedAt = null;
        if (freeDay is not null)
        {
            target.FreeRefreshDay = freeDay;
        }

        await store.Table.SubmitSinglePartitionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, target, target.ETag),
            new TableTransactionAction(TableTransactionActionType.Add, new RefreshEntity
            {
                PartitionKey = scope.PartitionKey,
                RowKey = AnalyticsKeys.Refresh(refresh.Id),
                Id = refresh.Id,
                TargetId = refresh.TargetId,
                Status = refresh.Status.ToWire(),
                FreeRefreshUsed = refresh.FreeRefreshUsed,
                CreditsUsed = refresh.CreditsUsed,
                StartedAt = refresh.StartedAt,
            }),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(scope.PartitionKey, AnalyticsKeys.RefreshOfTarget(refresh.TargetId, refresh.Id))),
        ], cancellationToken);
    }

    private async Task ProcessAsync(Scope scope, string refreshId, bool isLastAttempt, CancellationToken cancellationToken)
    {
        var refresh = await store.GetRefreshEntityAsync(scope, refreshId, cancellationToken);
        if (refresh is null)
        {
            // Its target was deleted with its history.
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

        if (refresh.RefreshStatus == RefreshStatus.Pending)
        {
            refresh.Status = RefreshStatus.Processing.ToWire();
            await store.Table.UpdateEntityAsync(refresh, refresh.ETag, TableUpdateMode.Replace, cancellationToken);
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

        var now = time.GetUtcNow();
        var snapshot = new AccountSnapshot(stats.Followers, stats.Views, stats.Likes, now);
        var posts = stats.Posts.Select(p => new PostSnapshot(target.Id, target.Platform, p.PlatformPostId, p.PublishedAt, p.Caption, p.Permalink, p.ThumbnailUrl,
            p.DurationSeconds, p.Views, p.Likes, p.Comments, p.Shares, p.Saves, now)).ToList();
        await store.SaveStatsAsync(scope, target.Id, snapshot, posts, cancellationToken);
        var current = await store.GetRefreshEntityAsync(scope, refreshId, cancellationToken);
        if (current is not null)
        {
            await FinishAsync(scope, current, RefreshStatus.Completed, null, snapshot, stats.AvatarUrl, cancellationToken);
        }
    }

    /// <summary>Ends the refresh and releases the target in one transaction, retrying when a refresh call touched the target meanwhile.</summary>
    private async Task FinishAsync(
        Scope scope, RefreshEntity refresh, RefreshStatus status, string? error, AccountSnapshot? snapshot, string? avatarUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        refresh.Status = status.ToWire();
        refresh.Error = error;
        refresh.CompletedAt = now;
        while (true)
        {
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, refresh, refresh.ETag) };
            var target = await store.GetTargetEntityAsync(scope, refresh.TargetId, cancellationToken);
            if (target is not null)
            {
                if (target.ActiveRefreshId == refresh.Id)
                {
                    target.ActiveRefreshId = null;
                }

                if (target.LastRefreshId == refresh.Id)
                {
                    target.LastRefreshStatus = status.ToWire();
                    target.LastRefreshCompletedAt = now;
                }

                if (snapshot is not null)
                {
                    target.LastRefreshedAt = now;
                    target.SnapshotFollowers = snapshot.Followers;
                    target.SnapshotViews = snapshot.Views;
                    target.SnapshotLikes = snapshot.Likes;
                    target.SnapshotCapturedAt = snapshot.CapturedAt;
                    target.AvatarUrl = avatarUrl ?? target.AvatarUrl;
                }

                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, target, target.ETag));
            }

            try
            {
                await store.Table.SubmitSinglePartitionAsync(actions, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException e) when (e.Status == 412)
            {
                // If only the target moved on (a refresh call was counted), apply the change to its fresh row. If the
                // refresh row itself changed, another delivery is finishing it: let this attempt fail and be retried.
                if ((await store.GetRefreshEntityAsync(scope, refresh.Id, cancellationToken))?.ETag != refresh.ETag)
                {
                    throw;
                }
            }
        }
    }

    private async Task<bool> TryReplaceAsync(TargetEntity target, CancellationToken cancellationToken)
    {
        try
        {
            await store.Table.UpdateEntityAsync(target, target.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped analytics work for unknown scope {Scope}, target {TargetId}")]
    private static partial void LogDropped(ILogger logger, string scope, string targetId);
}
