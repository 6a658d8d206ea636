using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Posts;

/// <summary>A post as read, with the ETag that guards its next write.</summary>
public sealed record StoredPost(Post Post, ETag ETag, string? ClaimRowKey);

/// <summary>
/// What makes a create idempotent: an external id (kept as long as the post exists) or an Idempotency-Key header
/// (kept for 24 hours). <see cref="Fingerprint"/> tells a replay from a different request with the same key.
/// </summary>
public sealed record IdempotencyClaim(bool IsExternalId, string Key, string Fingerprint, DateTimeOffset? ExpiresAt);

public enum CreateOutcome
{
    Created,
    Duplicate,
    Conflict,
}

public sealed record CreateResult(CreateOutcome Outcome, StoredPost? Post);

public sealed record PostPage(IReadOnlyList<Post> Posts, string? LastRowKey);

public sealed record PostSummary(IReadOnlyDictionary<PostStatus, long> ByStatus)
{
    public long Total => ByStatus.Values.Sum();

    public long Count(PostStatus status) => ByStatus.TryGetValue(status, out var n) ? n : 0;
}

/// <summary>Thrown when the post changed since it was read (its ETag no longer matches).</summary>
public sealed class PostChangedException : Exception
{
    public PostChangedException()
        : base("The post changed since it was read.")
    {
    }

    public PostChangedException(string message)
        : base(message)
    {
    }

    public PostChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Posts of one scope in one partition: the post row, two index copies (by creation time, by status and creation
/// time), sharded status counters and idempotency rows, always changed together in one entity-group transaction,
/// so a list page or a summary costs the same however many posts the scope has.
/// </summary>
public sealed class PostStore(StorageClients storage)
{
    private const int MaxAttempts = 8;
    private readonly TableClient _table = storage.Table(StorageNames.PostsTable);

    public async Task<StoredPost?> GetAsync(Scope scope, string postId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(postId, out _))
        {
            return null;
        }

        var entity = await _table.GetEntityOrNullAsync<TableEntity>(scope.PartitionKey, PostKeys.Post(postId), cancellationToken);
        return entity is null ? null : new StoredPost(PostEntity.ToPost(entity), entity.ETag, entity.GetString("ClaimRowKey"));
    }

    /// <summary>
    /// Creates the post unless its idempotency claim already names one. <paramref name="beforeWrite"/> runs once,
    /// just before the first write and only when no live claim exists, for the crash-safe writes outside the partition.
    /// </summary>
    public async Task<CreateResult> CreateAsync(Scope scope, Post post, IdempotencyClaim? claim, Func<Task> beforeWrite, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var prepared = false;
        var claimRow = claim is null ? null : claim.IsExternalId ? PostKeys.ExternalId(claim.Key) : PostKeys.Idempotency(claim.Key);
        for (var attempt = 0; ; attempt++)
        {
            var actions = new List<TableTransactionAction>();
            TableEntity? expiredClaim = null;
            if (claimRow is not null)
            {
                var existing = await _table.GetEntityOrNullAsync<TableEntity>(pk, claimRow, cancellationToken);
                if (existing is not null)
                {
                    if (existing.GetDateTimeOffset("ExpiresAt") is not { } expires || expires > post.CreatedAt)
                    {
                        return await ResolveClaimAsync(scope, existing, claim!, cancellationToken);
                    }

                    expiredClaim = existing;
                }

                var claimEntity = new TableEntity(pk, claimRow) { ["PostId"] = post.Id, ["Fingerprint"] = claim!.Fingerprint, ["ExpiresAt"] = claim.ExpiresAt };
                actions.Add(expiredClaim is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, claimEntity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, claimEntity, expiredClaim.ETag));
            }

            actions.AddRange(NewPostRows(pk, post, claimRow).Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)));
            var counter = CounterActionAsync(pk, add: post.Status, remove: null, cancellationToken);
            if (!prepared)
            {
                // The writes outside the partition overlap the counter read: one round trip instead of two, and both
                // still finish before the transaction.
                await Task.WhenAll(counter, beforeWrite());
                prepared = true;
            }

            actions.Add(await counter);

            try
            {
                var response = await _table.SubmitSinglePartitionAsync(actions, cancellationToken);
                var postIndex = claimRow is null ? 0 : 1;
                return new CreateResult(CreateOutcome.Created, new StoredPost(post, response[postIndex].Headers.ETag ?? default, claimRow));
            }
            catch (TableTransactionFailedException e) when (attempt < MaxAttempts && e.Status is 409 or 412)
            {
                // Another writer won a race: for the claim row, the next pass resolves it as a replay or a conflict;
                // for the counter shard, the next pass reads its new value.
            }
        }
    }

    /// <summary>Writes <paramref name="updated"/> over <paramref name="current"/>, moving its index rows and counters with it.</summary>
    /// <exception cref="PostChangedException">The post changed since <paramref name="current"/> was read.</exception>
    public async Task<StoredPost> UpdateAsync(Scope scope, StoredPost current, Post updated, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var old = current.Post;
        for (var attempt = 0; ; attempt++)
        {
            var postEntity = PostEntity.ToEntity(pk, PostKeys.Post(updated.Id), updated);
            postEntity["ClaimRowKey"] = current.ClaimRowKey;
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateReplace, postEntity, current.ETag),
                new(TableTransactionActionType.UpsertReplace, PostEntity.ToEntity(pk, PostKeys.Created(updated.CreatedAt, updated.Id), updated)),
            };
            if (old.Status == updated.Status)
            {
                actions.Add(new(TableTransactionActionType.UpsertReplace, PostEntity.ToEntity(pk, PostKeys.Status(updated.Status, updated.CreatedAt, updated.Id), updated)));
            }
            else
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(pk, PostKeys.Status(old.Status, old.CreatedAt, old.Id)), ETag.All));
                actions.Add(new(TableTransactionActionType.UpsertReplace, PostEntity.ToEntity(pk, PostKeys.Status(updated.Status, updated.CreatedAt, updated.Id), updated)));
                actions.Add(await CounterActionAsync(pk, add: updated.Status, remove: old.Status, cancellationToken));
            }

            try
            {
                var response = await _table.SubmitSinglePartitionAsync(actions, cancellationToken);
                return new StoredPost(updated, response[0].Headers.ETag ?? default, current.ClaimRowKey);
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status is 412 or 404)
            {
                throw new PostChangedException("The post changed since it was read.", e);
            }
            catch (TableTransactionFailedException e) when (attempt < MaxAttempts && e.Status is 409 or 412)
            {
                // The counter shard moved under us; the post's own ETag still holds, so try again with a fresh shard.
            }
        }
    }

    /// <summary>Removes the post, its index rows, its counter contribution and its idempotency row, all at once.</summary>
    /// <exception cref="PostChangedException">The post changed since <paramref name="current"/> was read.</exception>
    public async Task DeleteAsync(Scope scope, StoredPost current, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var post = current.Post;
        for (var attempt = 0; ; attempt++)
        {
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.Delete, new TableEntity(pk, PostKeys.Post(post.Id)), current.ETag),
                new(TableTransactionActionType.Delete, new TableEntity(pk, PostKeys.Created(post.CreatedAt, post.Id)), ETag.All),
                new(TableTransactionActionType.Delete, new TableEntity(pk, PostKeys.Status(post.Status, post.CreatedAt, post.Id)), ETag.All),
                await CounterActionAsync(pk, add: null, remove: post.Status, cancellationToken),
            };
            if (current.ClaimRowKey is { } claimRow && await _table.GetEntityOrNullAsync<TableEntity>(pk, claimRow, cancellationToken) is { } claim
                && claim.GetString("PostId") == post.Id)
            {
                // A replay after a delete makes a new post rather than pointing at one that is gone.
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(pk, claimRow), claim.ETag));
            }

            try
            {
                await _table.SubmitSinglePartitionAsync(actions, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status is 412 or 404)
            {
                throw new PostChangedException("The post changed since it was read.", e);
            }
            catch (TableTransactionFailedException e) when (attempt < MaxAttempts && e.Status is 409 or 412)
            {
                // Counter shard or claim row moved: read them again.
            }
        }
    }

    /// <summary>
    /// One page, newest first, from the index of <paramref name="status"/> (or of all posts): a single range query
    /// bounded by since/until and the cursor, reading offset + limit + 1 rows at most.
    /// </summary>
    public async Task<PostPage> ListAsync(
        Scope scope, PostStatus? status, DateTimeOffset? since, DateTimeOffset? until, string? afterRowKey, int offset, int limit, CancellationToken cancellationToken)
    {
        var (from, to) = status is { } s ? PostKeys.StatusRange(s, since, until) : PostKeys.CreatedRange(since, until);
        var lower = afterRowKey is not null && string.CompareOrdinal(afterRowKey, from) >= 0 ? afterRowKey : from;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey gt {lower} and RowKey lt {to}");
        var wanted = offset + limit + 1;
        var rows = new List<TableEntity>(Math.Min(wanted, 1000));
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(wanted, 1000), cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (rows.Count == wanted)
            {
                break;
            }
        }

        var page = rows.Skip(offset).Take(limit).ToList();
        var hasMore = rows.Count > offset + limit;
        return new PostPage([.. page.Select(PostEntity.ToPost)], hasMore ? page[^1].RowKey : null);
    }

    /// <summary>Whether <paramref name="rowKey"/> is a position in the index a listing with <paramref name="status"/> reads.</summary>
    public static bool IsIndexKey(string rowKey, PostStatus? status) =>
        rowKey.StartsWith(status is { } s ? PostKeys.StatusPrefix + s.ToWire() + "|" : PostKeys.CreatedPrefix, StringComparison.Ordinal);

    /// <summary>Counts of every status in the scope, from the counter shards alone.</summary>
    public async Task<PostSummary> GetSummaryAsync(Scope scope, CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<PostStatus>().ToDictionary(s => s, _ => 0L);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {scope.PartitionKey} and RowKey ge {PostKeys.CounterPrefix} and RowKey lt {PostKeys.CounterPrefix + "~"}");
        await foreach (var shard in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            foreach (var status in counts.Keys)
            {
                counts[status] += shard.GetInt64(status.ToString()) ?? 0;
            }
        }

        return new PostSummary(counts);
    }

    /// <summary>The rows a new post adds besides its claim and counter: the post row (first) and its two index copies.</summary>
    internal static IEnumerable<TableEntity> NewPostRows(string pk, Post post, string? claimRow)
    {
        var postEntity = PostEntity.ToEntity(pk, PostKeys.Post(post.Id), post);
        postEntity["ClaimRowKey"] = claimRow;
        yield return postEntity;
        yield return PostEntity.ToEntity(pk, PostKeys.Created(post.CreatedAt, post.Id), post);
        yield return PostEntity.ToEntity(pk, PostKeys.Status(post.Status, post.CreatedAt, post.Id), post);
    }

    /// <summary>A counter shard row holding <paramref name="count"/> of every status.</summary>
    internal static TableEntity CounterShard(string pk, int shard, Func<PostStatus, long> count)
    {
        var entity = new TableEntity(pk, PostKeys.Counter(shard));
        foreach (var status in Enum.GetValues<PostStatus>())
        {
            entity[status.ToString()] = count(status);
        }

        return entity;
    }

    private async Task<CreateResult> ResolveClaimAsync(Scope scope, TableEntity claimRow, IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        if (claimRow.GetString("Fingerprint") != claim.Fingerprint)
        {
            return new CreateResult(CreateOutcome.Conflict, null);
        }

        var original = await GetAsync(scope, claimRow.GetString("PostId"), cancellationToken);
        return original is null ? new CreateResult(CreateOutcome.Conflict, null) : new CreateResult(CreateOutcome.Duplicate, original);
    }

    /// <summary>An ETag-guarded change of one randomly chosen counter shard (created on first use).</summary>
    private async Task<TableTransactionAction> CounterActionAsync(string pk, PostStatus? add, PostStatus? remove, CancellationToken cancellationToken)
    {
        var index = RandomNumberGenerator.GetInt32(PostKeys.CounterShards);
        var shard = await _table.GetEntityOrNullAsync<TableEntity>(pk, PostKeys.Counter(index), cancellationToken);
        var updated = CounterShard(pk, index, status =>
            (shard?.GetInt64(status.ToString()) ?? 0) + (status == add ? 1 : 0) - (status == remove ? 1 : 0));

        return shard is null
            ? new TableTransactionAction(TableTransactionActionType.Add, updated)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, updated, shard.ETag);
    }
}
