using Azure;
using Azure.Data.Tables;
using Genviral.Core.Auth;
using Genviral.Core.Storage;

namespace Genviral.Core.Tenancy;

/// <summary>
/// Charges and refunds of the owner's credit pool, one per operation id. The subscription row and a marker row
/// (<c>credit|charge|id</c> or <c>credit|refund|id</c>) change in one transaction in the owner's partition: the ETag
/// makes concurrent charges safe, the marker makes a repeated charge or refund of the same id a no-op, and a refund
/// only ever gives back a charge that was made.
/// </summary>
public sealed class CreditLedger(StorageClients storage, TimeProvider time, AccessCache cache)
{
    private const string Charge = "credit|charge|";
    private const string Refund = "credit|refund|";
    private readonly TableClient _table = storage.Table(StorageNames.TenantsTable);

    /// <summary>Takes <paramref name="amount"/> credits for <paramref name="operationId"/>; false when the pool has too few.</summary>
    public Task<bool> ChargeAsync(Scope scope, string operationId, int amount, CancellationToken cancellationToken) =>
        ApplyAsync(scope, Charge + operationId, amount, cancellationToken);

    /// <summary>
    /// Gives back the charge of <paramref name="operationId"/>; true only the first time it is called for it, and never
    /// when nothing was charged for it (a refresh that crashed before its charge, say).
    /// </summary>
    public Task<bool> RefundAsync(Scope scope, string operationId, int amount, CancellationToken cancellationToken) =>
        ApplyAsync(scope, Refund + operationId, -amount, cancellationToken, requires: Charge + operationId);

    /// <summary>Whether a charge was made for <paramref name="operationId"/> and has not been given back.</summary>
    public async Task<bool> HoldsChargeAsync(Scope scope, string operationId, CancellationToken cancellationToken)
    {
        var charge = _table.GetEntityOrNullAsync<TableEntity>(scope.PartitionKey, Charge + operationId, cancellationToken);
        var refund = _table.GetEntityOrNullAsync<TableEntity>(scope.PartitionKey, Refund + operationId, cancellationToken);
        return await charge is not null && await refund is null;
    }

    private Task<bool> ApplyAsync(Scope scope, string marker, int delta, CancellationToken cancellationToken, string? requires = null) =>
        storage.Conflicts.RunAsync(async () =>
        {
            var subscription = await _table.GetEntityOrNullAsync<SubscriptionEntity>(scope.PartitionKey, SubscriptionEntity.Row, cancellationToken);
            if (subscription is null || (delta > 0 && subscription.CreditsLimit - subscription.CreditsUsed < delta))
            {
                return false;
            }

            subscription.CreditsUsed = Math.Max(0, subscription.CreditsUsed + delta);
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateReplace, subscription, subscription.ETag),
                new(TableTransactionActionType.Add, new TableEntity(scope.PartitionKey, marker) { ["At"] = time.GetUtcNow() }),
            ];
            if (requires is not null)
            {
                // Touching the row it needs (ETag *) fails the whole transaction with a 404 when that row does not exist.
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(scope.PartitionKey, requires), ETag.All));
            }

            try
            {
                await _table.SubmitSinglePartitionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404 && requires is not null)
            {
                // Nothing was charged for this operation: there is nothing to give back.
                return false;
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
