using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Analytics;

/// <summary>
/// The per-day index of targets due a free daily snapshot: partition = the UTC day, one row per target across all
/// scopes. The daily capture reads only its day's partition and carries yesterday's rows into it, so it never
/// touches unrelated rows. A row whose target is gone is removed by the refresh consumer and so stops being carried.
/// </summary>
public sealed class DailySnapshotIndex(StorageClients storage)
{
    private readonly TableClient _table = storage.Table(StorageNames.AnalyticsDaysTable);

    public async Task TrackAsync(Scope scope, string targetId, string day, CancellationToken cancellationToken) =>
        // Merge keeps an existing row's Enqueued flag, so tracking again never causes a second capture.
        await _table.UpsertEntityAsync(Row(day, scope.PartitionKey, targetId), TableUpdateMode.Merge, cancellationToken);

    public async Task UntrackAsync(Scope scope, string targetId, string day, CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(day, RowKey(scope.PartitionKey, targetId), ETag.All, cancellationToken);

    /// <summary>Copies every row of <paramref name="fromDay"/> into <paramref name="toDay"/> (not yet enqueued there).</summary>
    public async Task CarryForwardAsync(string fromDay, string toDay, CancellationToken cancellationToken)
    {
        var rows = new List<ITableEntity>();
        await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == fromDay, cancellationToken: cancellationToken))
        {
            rows.Add(Row(toDay, e.GetString("Scope"), e.GetString("TargetId")));
        }

        foreach (var chunk in rows.Chunk(100))
        {
            await _table.SubmitSinglePartitionAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertMerge, r))], cancellationToken);
        }
    }

    /// <summary>The targets of <paramref name="day"/> not yet handed to the refresh queue.</summary>
    public async Task<IReadOnlyList<(string Scope, string TargetId)>> PendingAsync(string day, CancellationToken cancellationToken)
    {
        var list = new List<(string, string)>();
        await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == day, cancellationToken: cancellationToken))
        {
            if (e.GetBoolean("Enqueued") != true)
            {
                list.Add((e.GetString("Scope"), e.GetString("TargetId")));
            }
        }

        return list;
    }

    public async Task MarkEnqueuedAsync(string day, string scope, string targetId, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(day, RowKey(scope, targetId)) { ["Enqueued"] = true }, TableUpdateMode.Merge, cancellationToken);

    private static TableEntity Row(string day, string scope, string targetId) =>
        new(day, RowKey(scope, targetId)) { ["Scope"] = scope, ["TargetId"] = targetId };

    private static string RowKey(string scope, string targetId) => scope + "|" + targetId;
}
