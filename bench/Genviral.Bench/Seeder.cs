using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Bench;

/// <summary>
/// Fills a scope fast with exactly the rows PostStore writes for a new post (its post row and two index copies,
/// from PostStore's own code) in full entity-group transactions, then the counter shard once with the totals.
/// Only the dispatch measure gives posts due-time entries (<see cref="IndexAsync"/>): elsewhere nothing publishes.
/// </summary>
internal static class Seeder
{
    private const int MaxActions = 100; // per entity-group transaction
    private const int PostsPerBatch = 33; // 3 rows each: 99 of the 100 actions a transaction allows.
    private const int ParallelBatches = 4;

    public static Post NewPost(string accountId, DateTimeOffset createdAt, bool scheduled)
    {
        var status = scheduled ? PostStatus.Scheduled : PostStatus.Pending;
        return new Post(
            Guid.NewGuid().ToString(), "Bench post #bench", new PostMedia(MediaType.Video, ["https://cdn.example.com/bench.mp4"]), null,
            scheduled ? createdAt.AddDays(7) : null, createdAt, createdAt, null, status,
            [new AccountState(accountId, Platform.Tiktok, AccountType.Hosted, status)],
            new MediaState(Guid.NewGuid().ToString("N"), Ready: false, NeedsRehost: false));
    }

    /// <summary>Adds <paramref name="count"/> posts (three in four scheduled, the rest pending) and returns their ids.</summary>
    public static async Task<IReadOnlyList<string>> SeedAsync(TableClient posts, Scope scope, string accountId, int count, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-count);
        var all = Enumerable.Range(0, count).Select(i => NewPost(accountId, start.AddSeconds(i), scheduled: i % 4 != 0)).ToList();
        await AddPostsAsync(posts, scope, all, cancellationToken);
        var totals = all.GroupBy(p => p.Status).ToDictionary(g => g.Key, g => (long)g.Count());
        await posts.UpsertEntityAsync(PostStore.CounterShard(scope.PartitionKey, 0, s => totals.GetValueOrDefault(s)), TableUpdateMode.Replace, cancellationToken);
        return [.. all.Select(p => p.Id)];
    }

    /// <summary>The rows PostStore writes for each new post, without the counter shard.</summary>
    public static Task AddPostsAsync(TableClient posts, Scope scope, IReadOnlyList<Post> all, CancellationToken cancellationToken) =>
        SubmitAsync(posts, all.Chunk(PostsPerBatch).Select(batch => batch.SelectMany(p => PostStore.NewPostRows(scope.PartitionKey, p, null)).ToList()), cancellationToken);

    /// <summary>
    /// A due-time entry for each post at its due time, in one transaction per minute (the index's partition). The
    /// entity is PostSchedule.Entry, as AddAsync writes it, but AddAsync writes one entry per call: too slow for 100,000.
    /// </summary>
    public static Task IndexAsync(TableClient schedule, Scope scope, IReadOnlyList<Post> all, CancellationToken cancellationToken) =>
        SubmitAsync(schedule, all.GroupBy(p => PostSchedule.Bucket(p.DueAt)).SelectMany(minute => minute.Chunk(MaxActions)).Select(batch => batch
            .Select(p => PostSchedule.Entry(scope, p.Id, p.DueAt, p.CreatedAt))
            .ToList()), cancellationToken);

    private static async Task SubmitAsync(TableClient table, IEnumerable<List<TableEntity>> batches, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(ParallelBatches);
        await Task.WhenAll(batches.Select(async batch =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await table.SubmitSinglePartitionAsync([.. batch.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row))], cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Every row is new (fresh post ids), so a conflict means an earlier try of this same transaction committed
                // and its answer was lost (a 100-row batch on a busy Azurite can pass the 5 s per-try timeout, and the
                // SDK tries again): the transaction is atomic, so all of it is there.
            }
            finally
            {
                gate.Release();
            }
        }));
    }
}
