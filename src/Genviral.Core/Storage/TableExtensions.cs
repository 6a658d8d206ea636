using Azure;
using Azure.Data.Tables;

namespace Genviral.Core.Storage;

public static class TableExtensions
{
    /// <summary>The most actions one entity-group transaction may hold.</summary>
    public const int MaxTransactionActions = 100;

    /// <summary>The codebase's single 404-to-null translation for point reads.</summary>
    public static async Task<T?> GetEntityOrNullAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Submits an entity-group transaction after checking that every action targets one partition:
    /// Azurite accepts cross-partition batches that Azure rejects, so the check must live in our code.
    /// </summary>
    public static async Task<IReadOnlyList<Response>> SubmitSinglePartitionAsync(this TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 0)
        {
            return [];
        }

        var partition = actions[0].Entity.PartitionKey;
        if (actions.Any(a => a.Entity.PartitionKey != partition))
        {
            throw new InvalidOperationException("An entity-group transaction must stay within one partition.");
        }

        return (await table.SubmitTransactionAsync(actions, cancellationToken)).Value;
    }

    /// <summary>
    /// Deletes rows of one partition, up to 100 per entity-group transaction. A row that is already gone is fine: when a
    /// batch fails on one (a concurrent delete), its rows are deleted one by one, where a missing row is not an error.
    /// </summary>
    public static async Task DeleteRowsAsync(this TableClient table, string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var chunk in rowKeys.Chunk(MaxTransactionActions))
        {
            try
            {
                await table.SubmitSinglePartitionAsync(
                    [.. chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, k), ETag.All))], cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                foreach (var key in chunk)
                {
                    await table.DeleteEntityAsync(partitionKey, key, ETag.All, cancellationToken);
                }
            }
        }
    }
}
