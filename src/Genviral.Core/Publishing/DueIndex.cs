using Azure;
using Azure.Data.Tables;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Publishing;

/// <summary>One row of the due-time index: a post that may have work at or after the minute of <see cref="Bucket"/>.</summary>
public sealed record DueEntry(string Bucket, Scope Scope, string PostId)
{
    public string Row => PostSchedule.Row(Scope, PostId);
}

/// <summary>
/// The dispatcher's side of <see cref="PostSchedule"/>: reading what is due and moving an entry to another minute.
/// </summary>
public sealed class DueIndex(StorageClients storage, PostSchedule schedule)
{
    private readonly TableClient _table = storage.Table(StorageNames.ScheduleTable);

    /// <summary>
    /// The oldest entries of every minute up to and including <paramref name="now"/>'s, at most <paramref name="max"/>.
    /// Partition keys are minutes, so this is one range query that stops at now: its cost follows the entries that are
    /// due, never the posts scheduled later. Entries leave the range once handled (removed or moved to a later
    /// minute), so whatever is still in it, however old, is work left over, and catch-up after downtime needs no
    /// bookkeeping of its own.
    /// </summary>
    public async Task<IReadOnlyList<DueEntry>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {PostSchedule.Bucket(now)}");
        var entries = new List<DueEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: ["PartitionKey", "Scope", "PostId"], cancellationToken: cancellationToken))
        {
            if (Scope.TryParsePartitionKey(row.GetString("Scope"), out var scope) && row.GetString("PostId") is { } postId)
            {
                entries.Add(new DueEntry(row.PartitionKey, scope, postId));
            }

            if (entries.Count == max)
            {
                break;
            }
        }

        return entries;
    }

    public Task AddAsync(Scope scope, string postId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        schedule.AddAsync(scope, postId, dueAt, cancellationToken);

    public async Task RemoveAsync(string bucket, Scope scope, string postId, CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(bucket, PostSchedule.Row(scope, postId), ETag.All, cancellationToken);
}
