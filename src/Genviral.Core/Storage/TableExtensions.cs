using Azure;
using Azure.Data.Tables;

namespace Genviral.Core.Storage;

public static class TableExtensions
{
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
}
