using Azure.Data.Tables;
using Genviral.Core.Auth;
using Genviral.Core.Storage;

namespace Genviral.Core.Tenancy;

/// <summary>
/// Charges and refunds of the owner's credit pool, one per operation id. The subscription row and a marker row
/// (<c>credit|charge|id</c> or <c>credit|refund|id</c>) change in one transaction in the owner's partition: the ETag
/// makes concurrent charges safe, and the marker makes a repeated charge or refund of the same id a no-op.
/// </summary>
public sealed class CreditLedger(StorageClients storage, TimeProvider time, AccessCache cache)
{
    private readonly TableClient _table = storage.Table(StorageNames.TenantsTable);

    /// <summary>Takes <paramref name="amount"/> credits for <paramref name="operationId"/>; false when the pool has too few.</summary>
    public Task<bool> ChargeAsync(Scope scope, string operationId, int amount, CancellationToken cancellationToken) =>
        ApplyAsync(scope, "credit|charge|" + operationId, amount, cancellationToken);

    /// <summary>Gives back a charge; true only the first time it is called for <paramref name="operationId"/>.</summary>
    public Task<bool> RefundAsync(Scope scope, string operationId, int amount, CancellationToken cancellationToken) =>
        ApplyAsync(scope, "credit|refund|" + operationId, -amount, cancellationToken);

    private Task<bool> ApplyAsync(Scope scope, string marker, int delta, CancellationToken cancellationToken) =>
        storage.Conflicts.RunAsync(async () =>
        {
            var subscription = await _table.GetEntityOrNullAsync<SubscriptionEntity>(scope.PartitionKey, SubscriptionEntity.Row, cancellationToken);
            if (subscription is null || (delta > 0 && subscription.CreditsLimit - subscription.CreditsUsed < delta))
            {
                return false;
            }

            subscription.CreditsUsed = Math.Max(0, subscription.CreditsUsed + delta);
            try
            {
                await _table.SubmitSinglePartitionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, subscription, subscription.ETag),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(scope.PartitionKey, marker) { ["At"] = time.GetUtcNow() }),
                ], cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // The marker exists: this operation was charged (or refunded) already. (A 412 is another charge or grant
                // that changed the pool: the retry decides again on the fresh row.)
                return delta > 0;
            }

            // The subscription authentication cached in this process is stale now, as after a grant.
            cache.Forget(AccessCache.SubscriptionEntry(scope));
            return true;
        });
}
