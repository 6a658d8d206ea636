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
public sealed class PostSchedule(StorageClients storage)
{
    private readonly TableClient _table = storage.Table(StorageNames.ScheduleTable);

    public static string Bucket(DateTimeOffset dueAt) => dueAt.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string Row(Scope scope, string postId) => scope.PartitionKey + "|" + postId;

    public async Task AddAsync(Scope scope, string postId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(
            new TableEntity(Bucket(dueAt), Row(scope, postId)) { ["Scope"] = scope.PartitionKey, ["PostId"] = postId, ["DueAt"] = dueAt },
            TableUpdateMode.Replace, cancellationToken);

    /// <summary>Removes an entry; one that is already gone is fine (delete is idempotent).</summary>
    public async Task RemoveAsync(Scope scope, string postId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(Bucket(dueAt), Row(scope, postId), ETag.All, cancellationToken);
}
