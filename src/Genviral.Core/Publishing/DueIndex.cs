using System.Globalization;
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
/// The dispatcher's side of <see cref="PostSchedule"/>: reading one minute's entries, moving an entry to another
/// minute, and the checkpoint (the first minute not yet fully dispatched), kept in the same table under a partition
/// key that can never be a minute.
/// </summary>
public sealed class DueIndex(StorageClients storage, PostSchedule schedule)
{
    private const string CheckpointPartition = "checkpoint";
    private const string CheckpointRow = "PublishDuePosts";
    private readonly TableClient _table = storage.Table(StorageNames.ScheduleTable);

    public static DateTimeOffset Minute(DateTimeOffset time) =>
        new(time.UtcDateTime.Ticks - (time.UtcDateTime.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    public static DateTimeOffset ParseBucket(string bucket) =>
        DateTimeOffset.ParseExact(bucket, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Every entry of one minute: a single-partition query, so a tick's cost follows what is due, not all posts.</summary>
    public async Task<IReadOnlyList<DueEntry>> ListAsync(DateTimeOffset minute, CancellationToken cancellationToken)
    {
        var bucket = PostSchedule.Bucket(minute);
        var entries = new List<DueEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {bucket}"), select: ["Scope", "PostId"], cancellationToken: cancellationToken))
        {
            if (Scope.TryParsePartitionKey(row.GetString("Scope"), out var scope) && row.GetString("PostId") is { } postId)
            {
                entries.Add(new DueEntry(bucket, scope, postId));
            }
        }

        return entries;
    }

    public Task AddAsync(Scope scope, string postId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        schedule.AddAsync(scope, postId, dueAt, cancellationToken);

    public async Task RemoveAsync(string bucket, Scope scope, string postId, CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(bucket, PostSchedule.Row(scope, postId), ETag.All, cancellationToken);

    public async Task<(DateTimeOffset? Minute, ETag ETag)> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityOrNullAsync<TableEntity>(CheckpointPartition, CheckpointRow, cancellationToken);
        return (row?.GetDateTimeOffset("Minute"), row?.ETag ?? default);
    }

    /// <summary>Moves the checkpoint forward only; false when another dispatcher moved it first (its value then stands).</summary>
    public async Task<bool> AdvanceCheckpointAsync(DateTimeOffset minute, ETag etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(CheckpointPartition, CheckpointRow) { ["Minute"] = minute };
        try
        {
            if (etag == default)
            {
                await _table.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await _table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
