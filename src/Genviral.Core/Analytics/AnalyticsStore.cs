using Azure;
using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;

namespace Genviral.Core.Analytics;

/// <summary>
/// Targets, refreshes, snapshots and post stats of the analytics table: point reads and row-key ranges in the scope's
/// partition. A refresh's end raises its webhook event, recorded in the transaction that ends it.
/// </summary>
public sealed class AnalyticsStore(StorageClients storage, DailySnapshotIndex dailyIndex, WebhookOutbox outbox, TimeProvider time)
{
    private readonly TableClient _table = storage.Table(StorageNames.AnalyticsTable);

    /// <summary>Trimmed, one leading @ removed, lower-cased: the identity of a handle within a platform and scope.</summary>
    public static string Normalize(string identifier) => identifier.Trim().TrimStart('@').Trim().ToLowerInvariant();

    public async Task<IReadOnlyList<AnalyticsTarget>> ListTargetsAsync(Scope scope, CancellationToken cancellationToken)
    {
        var (from, to) = AnalyticsKeys.Prefix(AnalyticsKeys.TargetPrefix);
        var targets = new List<AnalyticsTarget>();
        await foreach (var e in _table.QueryAsync<TargetEntity>(
            e => e.PartitionKey == scope.PartitionKey && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0, cancellationToken: cancellationToken))
        {
            targets.Add(e.ToTarget());
        }

        return [.. targets.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)];
    }

    public async Task<AnalyticsTarget?> GetTargetAsync(Scope scope, string id, CancellationToken cancellationToken) =>
        (await GetTargetEntityAsync(scope, id, cancellationToken))?.ToTarget();

    internal Task<TargetEntity?> GetTargetEntityAsync(Scope scope, string id, CancellationToken cancellationToken) =>
        _table.GetEntityOrNullAsync<TargetEntity>(scope.PartitionKey, AnalyticsKeys.Target(id), cancellationToken);

    /// <summary>
    /// Creates the target unless (platform, normalized identifier) is already tracked in the scope. The identity row
    /// and the target go in one transaction, so of two concurrent creates exactly one succeeds and the other finds it.
    /// </summary>
    public Task<(AnalyticsTarget Target, bool Created)> CreateTargetAsync(
        Scope scope, Platform platform, string identifier, string? displayName, string userId, CancellationToken cancellationToken)
    {
        var normalized = Normalize(identifier);
        var identityKey = AnalyticsKeys.Identity(platform, normalized);
        return storage.Conflicts.RunAsync(async () =>
        {
            var identity = await _table.GetEntityOrNullAsync<IdentityEntity>(scope.PartitionKey, identityKey, cancellationToken);
            if (identity is not null && await GetTargetAsync(scope, identity.TargetId, cancellationToken) is { } existing)
            {
                return (existing, false);
            }

            var now = time.GetUtcNow();
            var target = new TargetEntity
            {
                PartitionKey = scope.PartitionKey,
                Id = Guid.NewGuid().ToString(),
                Platform = platform.ToWire(),
                Identifier = identifier.Trim(),
                NormalizedIdentifier = normalized,
                DisplayName = displayName,
                CreatedByUserId = userId,
                CreatedAt = now,
            };
            target.RowKey = AnalyticsKeys.Target(target.Id);

            // Indexed first: an index row whose target never got written is dropped by the daily capture.
            await dailyIndex.TrackAsync(scope, target.Id, AnalyticsKeys.Day(now), cancellationToken);
            // A concurrent create that won makes this a 409: the retry reads its row.
            await _table.SubmitSinglePartitionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, new IdentityEntity { PartitionKey = scope.PartitionKey, RowKey = identityKey, TargetId = target.Id }),
                new TableTransactionAction(TableTransactionActionType.Add, target),
            ], cancellationToken);
            return (target.ToTarget(), true);
        });
    }

    public async Task<AnalyticsTarget?> PatchTargetAsync(Scope scope, string id, TargetPatch patch, CancellationToken cancellationToken) =>
        (await UpdateTargetAsync(scope, id, t =>
        {
            if (patch.DisplayNamePresent)
            {
                t.DisplayName = patch.DisplayName;
            }

            if (patch.PolicyPresent)
            {
                t.HasPolicy = patch.Policy is not null;
                t.FreeDailyRefresh = patch.Policy is null ? null : patch.Policy.FreeDailyRefresh ?? t.FreeDailyRefresh;
                t.MaxPosts = patch.Policy is null ? null : patch.Policy.MaxPosts ?? t.MaxPosts;
            }

            t.Favorite = patch.Favorite ?? t.Favorite;
        }, cancellationToken))?.ToTarget();

    /// <summary>Applies <paramref name="change"/> to the target with optimistic concurrency, on the fresh row after a lost race.</summary>
    internal Task<TargetEntity?> UpdateTargetAsync(Scope scope, string id, Action<TargetEntity> change, CancellationToken cancellationToken) =>
        storage.Conflicts.RunAsync(async () =>
        {
            var entity = await GetTargetEntityAsync(scope, id, cancellationToken);
            if (entity is null)
            {
                return null;
            }

            change(entity);
            try
            {
                var response = await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                entity.ETag = response.Headers.ETag ?? entity.ETag;
                return entity;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Deleted since the read.
                return null;
            }
        });

    /// <summary>Writes the target back as read and changed (a counted refresh call); a 412 when it changed meanwhile.</summary>
    internal Task ReplaceTargetAsync(TargetEntity target, CancellationToken cancellationToken) =>
        _table.UpdateEntityAsync(target, target.ETag, TableUpdateMode.Replace, cancellationToken);

    /// <summary>
    /// Creates <paramref name="refresh"/> and makes it the target's active and last refresh (marking the free refresh of
    /// <paramref name="freeDay"/> used, when given) in one transaction guarded by the target's ETag: of two concurrent
    /// requests one wins and the other loses with a 412. A 409 means a refresh with this id exists already.
    /// </summary>
    internal async Task CreateRefreshAsync(Scope scope, TargetEntity target, AnalyticsRefresh refresh, string? freeDay, CancellationToken cancellationToken)
    {
        target.ActiveRefreshId = refresh.Id;
        target.LastRefreshId = refresh.Id;
        target.LastRefreshStatus = RefreshStatus.Pending.ToWire();
        target.LastRefreshCompletedAt = null;
        if (freeDay is not null)
        {
            target.FreeRefreshDay = freeDay;
        }

        await _table.SubmitSinglePartitionAsync(
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

    /// <summary>
    /// Moves a pending refresh to processing, or takes over a processing one, for <paramref name="messageId"/> until
    /// <paramref name="until"/>; a 412 when another delivery of its message changed it first.
    /// </summary>
    internal async Task MarkProcessingAsync(RefreshEntity refresh, string messageId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        refresh.Status = RefreshStatus.Processing.ToWire();
        refresh.ProcessingBy = messageId;
        refresh.ProcessingUntil = until;
        var response = await _table.UpdateEntityAsync(refresh, refresh.ETag, TableUpdateMode.Replace, cancellationToken);
        refresh.ETag = response.Headers.ETag ?? refresh.ETag;
    }

    /// <summary>
    /// Records, for a refresh that was announced (its recovery message) but never created, that it will never run: a
    /// failed refresh row with its target marker, so that a request still on its way loses its create (409) instead of
    /// creating it after its credit was given back. False when the refresh exists after all.
    /// </summary>
    internal async Task<bool> AbandonRefreshAsync(Scope scope, string targetId, string refreshId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            await _table.SubmitSinglePartitionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, new RefreshEntity
                {
                    PartitionKey = scope.PartitionKey,
                    RowKey = AnalyticsKeys.Refresh(refreshId),
                    Id = refreshId,
                    TargetId = targetId,
                    Status = RefreshStatus.Failed.ToWire(),
                    StartedAt = now,
                    CompletedAt = now,
                    Error = "The refresh was never started",
                }),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(scope.PartitionKey, AnalyticsKeys.RefreshOfTarget(targetId, refreshId))),
            ], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Ends a pending or processing refresh with <paramref name="status"/> and releases its target, in one transaction
    /// that re-reads both when either moved on (a refresh call was counted, another delivery got there first). A refresh
    /// that has ended already is left as it is. Returns the refresh as stored afterwards, or null when it is gone.
    /// </summary>
    /// <param name="snapshot">The account snapshot a completed refresh took, copied onto the target row.</param>
    internal async Task<RefreshEntity?> FinishRefreshAsync(
        Scope scope, string refreshId, RefreshStatus status, string? error, AccountSnapshot? snapshot, string? avatarUrl, CancellationToken cancellationToken)
    {
        var type = status == RefreshStatus.Completed ? WebhookEvents.AnalyticsRefreshCompleted : WebhookEvents.AnalyticsRefreshFailed;
        var events = await outbox.PrepareAsync(scope, StorageNames.AnalyticsTable, WebhookSubject.Refresh, [new RaisedEvent(type)], cancellationToken);
        var ended = false;
        var result = await storage.Conflicts.RunAsync(async () =>
        {
            var refresh = await GetRefreshEntityAsync(scope, refreshId, cancellationToken);
            if (refresh is null || refresh.RefreshStatus is RefreshStatus.Completed or RefreshStatus.Failed)
            {
                return refresh;
            }

            var now = time.GetUtcNow();
            refresh.Status = status.ToWire();
            refresh.Error = error;
            refresh.CompletedAt = now;
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, refresh, refresh.ETag) };
            if (await GetTargetEntityAsync(scope, refresh.TargetId, cancellationToken) is { } target)
            {
                Release(target, refresh.Id, status, now, snapshot, avatarUrl);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, target, target.ETag));
            }

            if (events is not null)
            {
                actions.Add(events.Record(refresh.ToEventData()));
            }

            await _table.SubmitSinglePartitionAsync(actions, cancellationToken);
            ended = true;
            return refresh;
        });
        if (events is not null)
        {
            // A refresh that had ended already raises nothing.
            await (ended ? outbox.PublishAsync(events, cancellationToken) : outbox.AbandonAsync(events, cancellationToken));
        }

        return result;
    }

    /// <summary>Deletes the target with its history: snapshots, post stats and refreshes. History goes first, so a crash leaves a target whose delete can be repeated.</summary>
    public async Task<bool> DeleteTargetAsync(Scope scope, string id, CancellationToken cancellationToken)
    {
        var target = await GetTargetEntityAsync(scope, id, cancellationToken);
        if (target is null)
        {
            return false;
        }

        var keys = new List<string>();
        foreach (var prefix in new[] { AnalyticsKeys.SnapshotPrefix(id), AnalyticsKeys.PostPrefix(id), AnalyticsKeys.RefreshesOfTargetPrefix(id) })
        {
            var (from, to) = AnalyticsKeys.Prefix(prefix);
            await foreach (var row in _table.QueryAsync<TableEntity>(
                e => e.PartitionKey == scope.PartitionKey && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0,
                select: ["RowKey"], cancellationToken: cancellationToken))
            {
                keys.Add(row.RowKey);
                if (prefix == AnalyticsKeys.RefreshesOfTargetPrefix(id))
                {
                    keys.Add(AnalyticsKeys.Refresh(row.RowKey[prefix.Length..]));
                }
            }
        }

        await _table.DeleteRowsAsync(scope.PartitionKey, keys, cancellationToken);

        try
        {
            await _table.SubmitSinglePartitionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(scope.PartitionKey, AnalyticsKeys.Target(id)), ETag.All),
                new TableTransactionAction(TableTransactionActionType.Delete,
                    new TableEntity(scope.PartitionKey, AnalyticsKeys.Identity(Enum.Parse<Platform>(target.Platform, true), target.NormalizedIdentifier)), ETag.All),
            ], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // A concurrent delete finished first.
        }

        return true;
    }

    public async Task<AnalyticsRefresh?> GetRefreshAsync(Scope scope, string id, CancellationToken cancellationToken) =>
        (await GetRefreshEntityAsync(scope, id, cancellationToken))?.ToRefresh();

    internal Task<RefreshEntity?> GetRefreshEntityAsync(Scope scope, string id, CancellationToken cancellationToken) =>
        _table.GetEntityOrNullAsync<RefreshEntity>(scope.PartitionKey, AnalyticsKeys.Refresh(id), cancellationToken);

    /// <summary>Daily snapshots of a target for the days [<paramref name="fromDay"/>, <paramref name="toDay"/>] (yyyy-MM-dd), oldest first.</summary>
    public async Task<IReadOnlyList<(string Day, AccountSnapshot Snapshot)>> GetSnapshotsAsync(
        Scope scope, string targetId, string fromDay, string toDay, CancellationToken cancellationToken)
    {
        var prefix = AnalyticsKeys.SnapshotPrefix(targetId);
        var from = prefix + fromDay;
        var to = prefix + toDay;
        var list = new List<(string, AccountSnapshot)>();
        await foreach (var e in _table.QueryAsync<SnapshotEntity>(
            e => e.PartitionKey == scope.PartitionKey && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) <= 0, cancellationToken: cancellationToken))
        {
            list.Add((e.RowKey[prefix.Length..], e.ToSnapshot()));
        }

        return list;
    }

    /// <summary>Post stats of a target published in [<paramref name="from"/>, <paramref name="toExclusive"/>).</summary>
    public async Task<IReadOnlyList<PostSnapshot>> GetPostsAsync(Scope scope, string targetId, DateTimeOffset from, DateTimeOffset toExclusive, CancellationToken cancellationToken)
    {
        var (low, high) = AnalyticsKeys.PostRange(targetId, from, toExclusive);
        var list = new List<PostSnapshot>();
        await foreach (var e in _table.QueryAsync<PostStatsEntity>(
            e => e.PartitionKey == scope.PartitionKey && e.RowKey.CompareTo(low) >= 0 && e.RowKey.CompareTo(high) < 0, cancellationToken: cancellationToken))
        {
            list.Add(e.ToPost());
        }

        return list;
    }

    /// <summary>Writes the day's account snapshot and the latest stats of each post; upserts, so a repeated refresh rewrites the same rows.</summary>
    public async Task SaveStatsAsync(Scope scope, string targetId, AccountSnapshot snapshot, IReadOnlyList<PostSnapshot> posts, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpsertReplace, new SnapshotEntity
            {
                PartitionKey = scope.PartitionKey,
                RowKey = AnalyticsKeys.Snapshot(targetId, AnalyticsKeys.Day(snapshot.CapturedAt)),
                Followers = snapshot.Followers,
                Views = snapshot.Views,
                Likes = snapshot.Likes,
                CapturedAt = snapshot.CapturedAt,
            }),
        };
        actions.AddRange(posts.DistinctBy(p => AnalyticsKeys.Post(targetId, p.PublishedAt, p.PlatformPostId))
            .Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, PostStatsEntity.From(scope.PartitionKey, p))));
        foreach (var chunk in actions.Chunk(TableExtensions.MaxTransactionActions))
        {
            await _table.SubmitSinglePartitionAsync(chunk, cancellationToken);
        }
    }

    /// <summary>The target's side of an ended refresh: no longer active, its outcome as the last refresh, and the snapshot it took.</summary>
    private static void Release(TargetEntity target, string refreshId, RefreshStatus status, DateTimeOffset now, AccountSnapshot? snapshot, string? avatarUrl)
    {
        if (target.ActiveRefreshId == refreshId)
        {
            target.ActiveRefreshId = null;
        }

        if (target.LastRefreshId == refreshId)
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
    }
}
