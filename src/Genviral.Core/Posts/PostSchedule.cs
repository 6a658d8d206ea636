using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Posts;

/// <summary>
/// The publisher's time-bucketed index: partition = the UTC minute a post becomes due, row = scope and post id.
/// It lives outside the scope's partition, so it is written before the post changes and removed after: a crash in
/// between leaves an entry whose post is missing or due at another time, and the dispatcher, which re-checks the
/// post row for every entry, skips it and removes it.
/// </summary>
public sealed class PostSchedule(StorageClients storage, TimeProvider time)
{
    private readonly TableClient _table = storage.Table(StorageNames.ScheduleTable);

    public static string Bucket(DateTimeOffset dueAt) => dueAt.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string Row(Scope scope, string postId) => scope.PartitionKey + "|" + postId;

    /// <summary>The index row of a post due at <paramref name="dueAt"/>, written at <paramref name="writtenAt"/>.</summary>
    public static TableEntity Entry(Scope scope, string postId, DateTimeOffset dueAt, DateTimeOffset writtenAt) =>
        new(Bucket(dueAt), Row(scope, postId)) { ["Scope"] = scope.PartitionKey, ["PostId"] = postId, ["DueAt"] = dueAt, ["WrittenAt"] = writtenAt };

    public async Task AddAsync(Scope scope, string postId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(Entry(scope, postId, dueAt, time.GetUtcNow()), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Removes an entry; one that is already gone is fine (delete is idempotent).</summary>
    public Task RemoveAsync(Scope scope, string postId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        RemoveAsync(Bucket(dueAt), scope, postId, cancellationToken);

    /// <summary>Removes the entry in minute <paramref name="bucket"/>; one that is already gone is fine.</summary>
    public async Task RemoveAsync(string bucket, Scope scope, string postId, CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(bucket, Row(scope, postId), ETag.All, cancellationToken);

    /// <summary>
    /// The dispatcher's read: the oldest entries of every minute up to and including <paramref name="now"/>'s, at most
    /// <paramref name="max"/>. Partition keys are minutes, so this is one range query that stops at now: its cost
    /// follows the entries that are due, never the posts scheduled later. Entries leave the range once handled
    /// (removed or moved to a later minute), so whatever is still in it, however old, is work left over, and catch-up
    /// after downtime needs no bookkeeping of its own.
    /// </summary>
    public async Task<IReadOnlyList<DueEntry>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Bucket(now)}");
        var entries = new List<DueEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: ["PartitionKey", "Scope", "PostId", "WrittenAt"], cancellationToken: cancellationToken))
        {
            if (Scope.TryParsePartitionKey(row.GetString("Scope"), out var scope) && row.GetString("PostId") is { } postId)
            {
                entries.Add(new DueEntry(row.PartitionKey, scope, postId, row.GetDateTimeOffset("WrittenAt")));
            }

            if (entries.Count == max)
            {
                break;
            }
        }

        return entries;
    }
}

/// <summary>One row of the due-time index: a post that may have work at or after the minute of <see cref="Bucket"/>.</summary>
/// <param name="WrittenAt">When the entry was last written: an entry is written before the post, which may still be on its way.</param>
public sealed record DueEntry(string Bucket, Scope Scope, string PostId, DateTimeOffset? WrittenAt = null)
{
    public string Row => PostSchedule.Row(Scope, PostId);
}
