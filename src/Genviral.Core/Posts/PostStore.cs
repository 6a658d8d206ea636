using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;

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
public sealed class PostChangedException : ChangedSinceReadException
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
/// A create whose idempotency claim has been looked up: <see cref="Existing"/> is the answer when the claim already
/// names a post (a replay, or a conflict); otherwise the caller makes its writes outside the partition and then
/// commits with <see cref="PostStore.CreateAsync(PendingCreate, CancellationToken)"/>.
/// </summary>
public sealed class PendingCreate
{
    internal PendingCreate(Scope scope, Post post, IdempotencyClaim? claim)
    {
        Scope = scope;
        Post = post;
        Claim = claim;
        ClaimRow = claim is null ? null : claim.IsExternalId ? PostKeys.ExternalId(claim.Key) : PostKeys.Idempotency(claim.Key);
    }

    public CreateResult? Existing { get; internal set; }

    internal Scope Scope { get; }

    internal Post Post { get; }

    internal IdempotencyClaim? Claim { get; }

    internal string? ClaimRow { get; }

    /// <summary>What the lookup read, for the first commit attempt; later attempts read again.</summary>
    internal CreateReads? Reads { get; set; }
}

/// <summary>The rows a create transaction is built on: the claim row as it stands and an ETag-guarded counter change.</summary>
internal sealed record CreateReads(TableEntity? Claim, TableTransactionAction Counter);

/// <summary>
/// Posts of one scope in one partition: the post row, two index copies (by creation time, by status and creation
/// time), sharded status counters and idempotency rows, always changed together in one entity-group transaction,
/// so a list page or a summary costs the same however many posts the scope has. The webhook events a write raises
/// (<see cref="PostEvents"/>) are recorded in that same transaction.
/// </summary>
/// <param name="outbox">Records and hands over the events of each write; without it (tests of the store alone, benchmarks) none are recorded.</param>
public sealed class PostStore(StorageClients storage, WebhookOutbox? outbox = null)
{
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
    /// The first half of a create: reads the post's idempotency claim, and a counter shard in the same round trip.
    /// Nothing is written yet.
    /// </summary>
    public async Task<PendingCreate> BeginCreateAsync(Scope scope, Post post, IdempotencyClaim? claim, CancellationToken cancellationToken)
    {
        var pending = new PendingCreate(scope, post, claim);
        var reads = await ReadForCreateAsync(pending, cancellationToken);
        if (IsLive(reads.Claim, post))
        {
            pending.Existing = await ResolveClaimAsync(scope, reads.Claim!, claim!, cancellationToken);
        }
        else
        {
            pending.Reads = reads;
        }

        return pending;
    }

    /// <summary>
    /// Writes the post of <paramref name="pending"/> with its claim, index rows and counter in one transaction. When a
    /// concurrent create took the claim meanwhile, the answer is that post (Duplicate) or Conflict.
    /// </summary>
    public Task<CreateResult> CreateAsync(PendingCreate pending, CancellationToken cancellationToken)
    {
        if (pending.Existing is not null)
        {
            throw new InvalidOperationException("The claim already names a post; there is nothing to create.");
        }

        var (scope, post, claimRow) = (pending.Scope, pending.Post, pending.ClaimRow);
        var pk = scope.PartitionKey;
        return storage.Conflicts.RunAsync(async () =>
        {
            var reads = pending.Reads ?? await ReadForCreateAsync(pending, cancellationToken);
            pending.Reads = null;
            if (IsLive(reads.Claim, post))
            {
                return await ResolveClaimAsync(scope, reads.Claim!, pending.Claim!, cancellationToken);
            }

            var actions = new List<TableTransactionAction>();
            if (claimRow is not null)
            {
                var claim = pending.Claim!;
                var claimEntity = new TableEntity(pk, claimRow) { ["PostId"] = post.Id, ["Fingerprint"] = claim.Fingerprint, ["ExpiresAt"] = claim.ExpiresAt };
                actions.Add(reads.Claim is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, claimEntity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, claimEntity, reads.Claim.ETag));
            }

            actions.AddRange(NewPostRows(pk, post, claimRow).Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)));
            actions.Add(reads.Counter);
            // Another writer that took the claim row or moved the counter shard makes this a 409 or 412: the retry reads
            // them again, and resolves the claim as a replay or a conflict.
            var response = await _table.SubmitSinglePartitionAsync(actions, cancellationToken);
            var postIndex = claimRow is null ? 0 : 1;
            return new CreateResult(CreateOutcome.Created, new StoredPost(post, response[postIndex].Headers.ETag ?? default, claimRow));
        });
    }

    /// <summary>Writes <paramref name="updated"/> over <paramref name="current"/>, moving its index rows and counters with it.</summary>
    /// <exception cref="PostChangedException">The post changed since <paramref name="current"/> was read.</exception>
    public async Task<StoredPost> UpdateAsync(Scope scope, StoredPost current, Post updated, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var old = current.Post;
        var events = outbox is null ? null : await outbox.PrepareAsync(scope, StorageNames.PostsTable, WebhookSubject.Post, PostEvents.Between(old, updated), cancellationToken);
        var stored = await storage.Conflicts.RunAsync<StoredPost?>(async () =>
        {
            var postEntity = PostEntity.ToEntity(pk, PostKeys.Post(updated.Id), updated);
            postEntity["ClaimRowKey"] = current.ClaimRowKey;
            var created = PostEntity.ToEntity(pk, PostKeys.Created(updated.CreatedAt, updated.Id), updated);
            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpdateReplace, postEntity, current.ETag),
                new(TableTransactionActionType.UpsertReplace, created),
            };
            if (events is not null)
            {
                // One more row of the same size as the post's: at most 6 actions and about 1 MB, far from the limits of 100 and 4 MB.
                actions.Add(events.Record(created));
            }

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
            catch (TableTransactionFailedException e) when (PostRowChanged(e))
            {
                // Not a race a retry here can win: the caller reads the post again and decides again. Any other lost
                // race is the counter shard's; the post's own ETag still holds, so the retry reads a fresh shard.
                return null;
            }
        });
        if (events is not null)
        {
            await (stored is null ? outbox!.AbandonAsync(events, cancellationToken) : outbox!.PublishAsync(events, cancellationToken));
        }

        return stored ?? throw new PostChangedException();
    }

    /// <summary>Removes the post, its index rows, its counter contribution and its idempotency row, all at once.</summary>
    /// <exception cref="PostChangedException">The post changed since <paramref name="current"/> was read.</exception>
    public async Task DeleteAsync(Scope scope, StoredPost current, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var post = current.Post;
        var deleted = await storage.Conflicts.RunAsync(async () =>
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
                return true;
            }
            catch (TableTransactionFailedException e) when (PostRowChanged(e))
            {
                // As in UpdateAsync; any other lost race is the counter shard's or the claim row's, read again by the retry.
                return false;
            }
        });
        if (!deleted)
        {
            throw new PostChangedException();
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

    /// <summary>The transaction failed on its first action, the post row: it changed or went since it was read.</summary>
    private static bool PostRowChanged(TableTransactionFailedException e) => e.FailedTransactionActionIndex == 0 && e.Status is 412 or 404;

    /// <summary>A claim row that still names a post: one without an expiry (an external id), or an Idempotency-Key not yet expired.</summary>
    private static bool IsLive(TableEntity? claim, Post post) =>
        claim is not null && (claim.GetDateTimeOffset("ExpiresAt") is not { } expires || expires > post.CreatedAt);

    private async Task<CreateReads> ReadForCreateAsync(PendingCreate pending, CancellationToken cancellationToken)
    {
        var pk = pending.Scope.PartitionKey;
        var claim = pending.ClaimRow is null ? Task.FromResult<TableEntity?>(null) : _table.GetEntityOrNullAsync<TableEntity>(pk, pending.ClaimRow, cancellationToken);
        var counter = CounterActionAsync(pk, add: pending.Post.Status, remove: null, cancellationToken);
        return new CreateReads(await claim, await counter);
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
