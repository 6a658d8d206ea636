using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Bench;

/// <summary>
/// Fills a scope fast with exactly the rows PostStore writes for a new post (its post row and two index copies,
/// from PostStore's own code) in full entity-group transactions, then the counter shard once with the totals.
/// The seeded posts get no due-time entries: nothing publishes in a bench run.
/// </summary>
internal static class Seeder
{
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
        var pk = scope.PartitionKey;
        var start = DateTimeOffset.UtcNow.AddSeconds(-count);
        var all = Enumerable.Range(0, count).Select(i => NewPost(accountId, start.AddSeconds(i), scheduled: i % 4 != 0)).ToList();
        using var gate = new SemaphoreSlim(ParallelBatches);
        await Task.WhenAll(all.Chunk(PostsPerBatch).Select(async batch =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var actions = batch.SelectMany(p => PostStore.NewPostRows(pk, p, null))
                    .Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)).ToList();
                await posts.SubmitSinglePartitionAsync(actions, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        var totals = all.GroupBy(p => p.Status).ToDictionary(g => g.Key, g => (long)g.Count());
        await posts.UpsertEntityAsync(PostStore.CounterShard(pk, 0, s => totals.GetValueOrDefault(s)), TableUpdateMode.Replace, cancellationToken);
        return [.. all.Select(p => p.Id)];
    }
}
