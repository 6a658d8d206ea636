using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Webhooks;

/// <summary>A webhook as read, with the ETag that guards its next change.</summary>
public sealed record StoredWebhook(Webhook Webhook, ETag ETag);

/// <summary>A new webhook and its secret, which is shown this once.</summary>
public sealed record CreatedWebhook(StoredWebhook Stored, string Secret);

/// <summary>A new secret, shown this once, and until when the replaced one still signs beside it.</summary>
public sealed record RotatedSecret(string Secret, DateTimeOffset PreviousExpiresAt);

public enum WebhookWriteOutcome
{
    Done,
    NotFound,

    /// <summary>If-Match names another version than the stored one.</summary>
    PreconditionFailed,

    /// <summary>Without If-Match, the webhook kept changing under other writers.</summary>
    Contended,
}

public sealed record WebhookWrite(WebhookWriteOutcome Outcome, StoredWebhook? Webhook = null);

public sealed record DeliveryPage(IReadOnlyList<WebhookDelivery> Deliveries, string? LastKey);

/// <summary>A delivery log row as read: the delivery, its event, and the ETag that guards recording an attempt.</summary>
public sealed record StoredDelivery(WebhookDelivery Delivery, WebhookEvent Event, ETag ETag);

/// <summary>
/// The webhooks table: one partition per scope, so every read is a point read or a short range of that scope, and a
/// webhook, its secret and the scope's count change together in one entity-group transaction.
/// </summary>
public sealed class WebhookStore(StorageClients storage, TimeProvider time)
{
    // Races on the count row (concurrent creates and deletes) settle within a few rounds; past this something is wrong.
    private const int MaxConflictRetries = 8;

    // A change without If-Match that keeps losing to other writers is re-applied this often, then reported.
    private const int MaxChangedRetries = 3;

    // Old log rows removed per new delivery: more than one, so the log shrinks back after a burst.
    private const int PruneBatch = 20;
    private const int BatchSize = 100;

    private readonly TableClient _table = storage.Table(StorageNames.WebhooksTable);

    public async Task<IReadOnlyList<StoredWebhook>> ListAsync(Scope scope, CancellationToken cancellationToken)
    {
        var (from, to) = WebhookKeys.Range(WebhookKeys.HookPrefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey ge {from} and RowKey lt {to}");
        var list = new List<StoredWebhook>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(new StoredWebhook(WebhookEntity.ToWebhook(row), row.ETag));
        }

        return [.. list.OrderBy(w => w.Webhook.CreatedAt).ThenBy(w => w.Webhook.Id, StringComparer.Ordinal)];
    }

    public async Task<StoredWebhook?> GetAsync(Scope scope, string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var guid) || guid.ToString() != id)
        {
            return null;
        }

        var row = await _table.GetEntityOrNullAsync<TableEntity>(scope.PartitionKey, WebhookKeys.Hook(id), cancellationToken);
        return row is null ? null : new StoredWebhook(WebhookEntity.ToWebhook(row), row.ETag);
    }

    /// <summary>Adds a webhook with a new secret, unless the scope already has <see cref="WebhookOptions.MaxPerScope"/> (then null).</summary>
    public async Task<CreatedWebhook?> CreateAsync(Scope scope, string url, IReadOnlyList<string> events, string? description, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var now = time.GetUtcNow();
        var webhook = new Webhook(Guid.NewGuid().ToString(), url, events, description, WebhookStatus.Active, null, null, 0, null, now, now);
        var secret = WebhookSignature.NewSecret();
        for (var attempt = 0; ; attempt++)
        {
            var count = await _table.GetEntityOrNullAsync<CountEntity>(pk, WebhookKeys.Count, cancellationToken);
            if (count?.Webhooks >= WebhookOptions.MaxPerScope)
            {
                return null;
            }

            var hook = WebhookEntity.ToEntity(pk, webhook);
            try
            {
                var responses = await _table.SubmitSinglePartitionAsync(
                [
                    new(TableTransactionActionType.Add, hook),
                    new(TableTransactionActionType.Add, new SecretEntity { PartitionKey = pk, RowKey = WebhookKeys.Secret(webhook.Id), Current = secret }),
                    CountAction(pk, count, +1),
                ], cancellationToken);
                return new CreatedWebhook(new StoredWebhook(webhook, responses[0].Headers.ETag ?? default), secret);
            }
            catch (TableTransactionFailedException e) when (attempt < MaxConflictRetries && e.Status is 409 or 412)
            {
                // Another create or delete moved the count: read it again.
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored webhook (returning null leaves it as it is). With
    /// <paramref name="ifMatch"/> a stale ETag is <see cref="WebhookWriteOutcome.PreconditionFailed"/>; without it, a change
    /// that loses a race is applied again to the fresh row, a few times at most.
    /// </summary>
    public async Task<WebhookWrite> ChangeAsync(Scope scope, string id, Func<Webhook, Webhook?> change, string? ifMatch, CancellationToken cancellationToken)
    {
        var conditional = !string.IsNullOrEmpty(ifMatch) && ifMatch != "*";
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetAsync(scope, id, cancellationToken);
            if (current is null)
            {
                return new(WebhookWriteOutcome.NotFound);
            }

            if (conditional && ifMatch != current.ETag.ToString())
            {
                return new(WebhookWriteOutcome.PreconditionFailed);
            }

            if (change(current.Webhook) is not { } updated)
            {
                return new(WebhookWriteOutcome.Done, current);
            }

            try
            {
                var response = await _table.UpdateEntityAsync(WebhookEntity.ToEntity(scope.PartitionKey, updated), current.ETag, TableUpdateMode.Replace, cancellationToken);
                return new(WebhookWriteOutcome.Done, new StoredWebhook(updated, response.Headers.ETag ?? default));
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                if (conditional)
                {
                    return new(WebhookWriteOutcome.PreconditionFailed);
                }

                if (attempt >= MaxChangedRetries)
                {
                    return new(WebhookWriteOutcome.Contended);
                }
            }
        }
    }

    /// <summary>Removes the webhook and its secret at once (deliveries in flight then find nothing to send), then its delivery log.</summary>
    public async Task<WebhookWriteOutcome> DeleteAsync(Scope scope, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var conditional = !string.IsNullOrEmpty(ifMatch) && ifMatch != "*";
        for (var attempt = 0; ; attempt++)
        {
            var current = await GetAsync(scope, id, cancellationToken);
            if (current is null)
            {
                return WebhookWriteOutcome.NotFound;
            }

            if (conditional && ifMatch != current.ETag.ToString())
            {
                return WebhookWriteOutcome.PreconditionFailed;
            }

            var count = await _table.GetEntityOrNullAsync<CountEntity>(pk, WebhookKeys.Count, cancellationToken);
            try
            {
                await _table.SubmitSinglePartitionAsync(
                [
                    new(TableTransactionActionType.Delete, new TableEntity(pk, WebhookKeys.Hook(id)), current.ETag),
                    new(TableTransactionActionType.Delete, new TableEntity(pk, WebhookKeys.Secret(id)), ETag.All),
                    CountAction(pk, count, -1),
                ], cancellationToken);
                break;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status is 412 or 404 && conditional)
            {
                return WebhookWriteOutcome.PreconditionFailed;
            }
            catch (TableTransactionFailedException e) when (attempt < MaxConflictRetries && e.Status is 409 or 412 or 404)
            {
                // The webhook or the count changed in between: look again.
            }
        }

        await DeleteDeliveriesAsync(scope, id, cancellationToken);
        return WebhookWriteOutcome.Done;
    }

    /// <summary>A new secret for the webhook; the one it replaces keeps signing beside it for <see cref="WebhookOptions.SecretGracePeriod"/>.</summary>
    public async Task<RotatedSecret?> RotateSecretAsync(Scope scope, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(scope, id, cancellationToken) is null)
        {
            return null;
        }

        var secret = WebhookSignature.NewSecret();
        for (var attempt = 0; ; attempt++)
        {
            var row = await _table.GetEntityOrNullAsync<SecretEntity>(scope.PartitionKey, WebhookKeys.Secret(id), cancellationToken);
            if (row is null)
            {
                return null;
            }

            var expires = time.GetUtcNow() + WebhookOptions.SecretGracePeriod;
            row.Previous = row.Current;
            row.PreviousExpiresAt = expires;
            row.Current = secret;
            try
            {
                await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return new RotatedSecret(secret, expires);
            }
            catch (RequestFailedException e) when (attempt < MaxConflictRetries && e.Status == 412)
            {
                // A concurrent rotation won; rotate on top of it.
            }
        }
    }

    /// <summary>The keys that sign a message now: the current secret's, then the replaced one's during its grace period.</summary>
    public async Task<IReadOnlyList<byte[]>> GetSigningKeysAsync(Scope scope, string id, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityOrNullAsync<SecretEntity>(scope.PartitionKey, WebhookKeys.Secret(id), cancellationToken);
        if (row is null)
        {
            return [];
        }

        return row.Previous is { } previous && row.PreviousExpiresAt > time.GetUtcNow()
            ? [WebhookSignature.KeyOf(row.Current), WebhookSignature.KeyOf(previous)]
            : [WebhookSignature.KeyOf(row.Current)];
    }

    /// <summary>
    /// Logs <paramref name="e"/> for the webhook, once: logging the same event again finds the first row (so the caller can
    /// tell whether its first attempt still has to be queued). Log rows past the retention are removed on the way.
    /// </summary>
    public async Task<StoredDelivery> AddDeliveryAsync(Scope scope, string webhookId, WebhookEvent e, CancellationToken cancellationToken)
    {
        // Keyed by the event's time, so logging it again (a crash, a sweep) lands on the same row.
        var key = WebhookKeys.Delivery(webhookId, e.OccurredAt, e.Id);
        var row = DeliveryEntity.From(scope.PartitionKey, key, webhookId, e, time.GetUtcNow());
        try
        {
            var response = await _table.AddEntityAsync(row, cancellationToken);
            await PruneDeliveriesAsync(scope, webhookId, cancellationToken);
            return new StoredDelivery(DeliveryEntity.ToDelivery(row), e, response.Headers.ETag ?? default);
        }
        catch (RequestFailedException conflict) when (conflict.Status == 409)
        {
            return await GetDeliveryAsync(scope, key, cancellationToken) ?? throw new InvalidOperationException($"Delivery {key} vanished while it was logged.", conflict);
        }
    }

    public async Task<StoredDelivery?> GetDeliveryAsync(Scope scope, string key, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(WebhookKeys.DeliveryPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var row = await _table.GetEntityOrNullAsync<TableEntity>(scope.PartitionKey, key, cancellationToken);
        return row is null ? null : new StoredDelivery(DeliveryEntity.ToDelivery(row), DeliveryEntity.ToEvent(row), row.ETag);
    }

    /// <summary>Writes an attempt's outcome; false when another attempt of the same delivery recorded first (its outcome stands).</summary>
    public async Task<bool> RecordAsync(Scope scope, StoredDelivery current, WebhookDelivery updated, CancellationToken cancellationToken)
    {
        var row = DeliveryEntity.WithOutcome(DeliveryEntity.From(scope.PartitionKey, current.Delivery.Key, updated.WebhookId, current.Event, current.Delivery.CreatedAt), updated);
        try
        {
            await _table.UpdateEntityAsync(row, current.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>One page of a webhook's deliveries, newest first: a range query after <paramref name="afterKey"/>.</summary>
    public async Task<DeliveryPage> ListDeliveriesAsync(Scope scope, string webhookId, string? afterKey, int limit, CancellationToken cancellationToken)
    {
        var (from, to) = WebhookKeys.Range(WebhookKeys.Deliveries(webhookId));
        var lower = afterKey is not null && string.CompareOrdinal(afterKey, from) > 0 ? afterKey : from;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey gt {lower} and RowKey lt {to}");
        var rows = new List<WebhookDelivery>(limit + 1);
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: limit + 1, cancellationToken: cancellationToken))
        {
            rows.Add(DeliveryEntity.ToDelivery(row));
            if (rows.Count > limit)
            {
                break;
            }
        }

        var page = rows.Take(limit).ToList();
        return new DeliveryPage(page, rows.Count > limit ? page[^1].Key : null);
    }

    /// <summary>Whether <paramref name="key"/> is a position in the delivery log of <paramref name="webhookId"/> (a cursor must be).</summary>
    public static bool IsDeliveryKeyOf(string key, string webhookId) => key.StartsWith(WebhookKeys.Deliveries(webhookId), StringComparison.Ordinal);

    private async Task PruneDeliveriesAsync(Scope scope, string webhookId, CancellationToken cancellationToken)
    {
        var (_, to) = WebhookKeys.Range(WebhookKeys.Deliveries(webhookId));
        var from = WebhookKeys.DeliveriesBefore(webhookId, time.GetUtcNow() - WebhookOptions.DeliveryRetention);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey gt {from} and RowKey lt {to}");
        var expired = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: PruneBatch, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            expired.Add(row.RowKey);
            if (expired.Count == PruneBatch)
            {
                break;
            }
        }

        await DeleteRowsAsync(scope, expired, cancellationToken);
    }

    private async Task DeleteDeliveriesAsync(Scope scope, string webhookId, CancellationToken cancellationToken)
    {
        var (from, to) = WebhookKeys.Range(WebhookKeys.Deliveries(webhookId));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey ge {from} and RowKey lt {to}");
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.RowKey);
            if (keys.Count == BatchSize)
            {
                await DeleteRowsAsync(scope, keys, cancellationToken);
                keys.Clear();
            }
        }

        await DeleteRowsAsync(scope, keys, cancellationToken);
    }

    private async Task DeleteRowsAsync(Scope scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitSinglePartitionAsync(
                [.. keys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(scope.PartitionKey, k), ETag.All))], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 404)
        {
            // Someone else removed some of them; remove the rest one by one (a missing row is already done).
            foreach (var key in keys)
            {
                await _table.DeleteEntityAsync(scope.PartitionKey, key, ETag.All, cancellationToken);
            }
        }
    }

    private static TableTransactionAction CountAction(string pk, CountEntity? count, int delta) => count is null
        ? new(TableTransactionActionType.Add, new CountEntity { PartitionKey = pk, RowKey = WebhookKeys.Count, Webhooks = Math.Max(0, delta) })
        : new(TableTransactionActionType.UpdateReplace, new CountEntity { PartitionKey = pk, RowKey = WebhookKeys.Count, Webhooks = Math.Max(0, count.Webhooks + delta) }, count.ETag);
}
