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
}

public sealed record WebhookWrite(WebhookWriteOutcome Outcome, StoredWebhook? Webhook = null);

public sealed record DeliveryPage(IReadOnlyList<WebhookDelivery> Deliveries, string? LastKey);

/// <summary>A delivery log row as read: the delivery, its event, and the ETag that guards recording an attempt.</summary>
public sealed record StoredDelivery(WebhookDelivery Delivery, WebhookEvent Event, ETag ETag);

/// <summary>
/// The webhooks table: one partition per scope, so every read is a point read or a short range of that scope, and a
/// webhook, its secret and the scope's count change together in one entity-group transaction. A change that loses its
/// ETag race (a concurrent create moved the count, an attempt recorded a failure) is decided again on the fresh rows
/// (<see cref="ConflictRetry"/>); when other writers keep winning, <see cref="WriteConflictException"/>.
/// </summary>
public sealed class WebhookStore(StorageClients storage, TimeProvider time)
{
    // Old log rows removed per new delivery: more than one, so the log shrinks back after a burst.
    private const int PruneBatch = 20;

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
    public Task<CreatedWebhook?> CreateAsync(Scope scope, string url, IReadOnlyList<string> events, string? description, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var now = time.GetUtcNow();
        var webhook = new Webhook(Guid.NewGuid().ToString(), url, events, description, WebhookStatus.Active, null, null, 0, null, now, now);
        var secret = WebhookSignature.NewSecret();
        // Another create or delete that moved the count makes the transaction lose its race: the retry reads the count again.
        return storage.Conflicts.RunAsync<CreatedWebhook?>(async () =>
        {
            var count = await _table.GetEntityOrNullAsync<CountEntity>(pk, WebhookKeys.Count, cancellationToken);
            if (count?.Webhooks >= WebhookOptions.MaxPerScope)
            {
                return null;
            }

            var responses = await _table.SubmitSinglePartitionAsync(
            [
                new(TableTransactionActionType.Add, WebhookEntity.ToEntity(pk, webhook)),
                new(TableTransactionActionType.Add, new SecretEntity { PartitionKey = pk, RowKey = WebhookKeys.Secret(webhook.Id), Current = secret }),
                CountAction(pk, count, +1),
            ], cancellationToken);
            return new CreatedWebhook(new StoredWebhook(webhook, responses[0].Headers.ETag ?? default), secret);
        });
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored webhook (returning null leaves it as it is). With
    /// <paramref name="ifMatch"/> a stale ETag is <see cref="WebhookWriteOutcome.PreconditionFailed"/>; without it, a change
    /// that loses a race is applied again to the fresh row.
    /// </summary>
    /// <exception cref="WriteConflictException">Without If-Match, other writers kept winning.</exception>
    public Task<WebhookWrite> ChangeAsync(Scope scope, string id, Func<Webhook, Webhook?> change, string? ifMatch, CancellationToken cancellationToken)
    {
        var conditional = IsConditional(ifMatch);
        return storage.Conflicts.RunAsync(async () =>
        {
            var current = await GetAsync(scope, id, cancellationToken);
            if (current is null)
            {
                return new WebhookWrite(WebhookWriteOutcome.NotFound);
            }

            if (conditional && ifMatch != current.ETag.ToString())
            {
                return new WebhookWrite(WebhookWriteOutcome.PreconditionFailed);
            }

            if (change(current.Webhook) is not { } updated)
            {
                return new WebhookWrite(WebhookWriteOutcome.Done, current);
            }

            try
            {
                var response = await _table.UpdateEntityAsync(WebhookEntity.ToEntity(scope.PartitionKey, updated), current.ETag, TableUpdateMode.Replace, cancellationToken);
                return new WebhookWrite(WebhookWriteOutcome.Done, new StoredWebhook(updated, response.Headers.ETag ?? default));
            }
            catch (RequestFailedException e) when (conditional && e.Status is 412 or 404)
            {
                // The caller named the version to change, and it is gone.
                return new WebhookWrite(WebhookWriteOutcome.PreconditionFailed);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return new WebhookWrite(WebhookWriteOutcome.NotFound);
            }
        });
    }

    /// <summary>Removes the webhook and its secret at once (deliveries in flight then find nothing to send), then its delivery log.</summary>
    /// <exception cref="WriteConflictException">Without If-Match, other writers kept winning.</exception>
    public async Task<WebhookWriteOutcome> DeleteAsync(Scope scope, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var pk = scope.PartitionKey;
        var conditional = IsConditional(ifMatch);
        var outcome = await storage.Conflicts.RunAsync(async () =>
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
                // The webhook's ETag or the count moved meanwhile: a 412 or 409, which the retry reads again.
                await _table.SubmitSinglePartitionAsync(
                [
                    new(TableTransactionActionType.Delete, new TableEntity(pk, WebhookKeys.Hook(id)), current.ETag),
                    new(TableTransactionActionType.Delete, new TableEntity(pk, WebhookKeys.Secret(id)), ETag.All),
                    CountAction(pk, count, -1),
                ], cancellationToken);
                return WebhookWriteOutcome.Done;
            }
            catch (TableTransactionFailedException e) when (conditional && e.FailedTransactionActionIndex == 0 && e.Status is 412 or 404)
            {
                return WebhookWriteOutcome.PreconditionFailed;
            }
            catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex == 0 && e.Status == 404)
            {
                // A concurrent delete got there first.
                return WebhookWriteOutcome.NotFound;
            }
        });
        if (outcome == WebhookWriteOutcome.Done)
        {
            await DeleteDeliveriesAsync(scope, id, cancellationToken);
        }

        return outcome;
    }

    /// <summary>A new secret for the webhook; the one it replaces keeps signing beside it for <see cref="WebhookOptions.SecretGracePeriod"/>.</summary>
    public async Task<RotatedSecret?> RotateSecretAsync(Scope scope, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(scope, id, cancellationToken) is null)
        {
            return null;
        }

        var secret = WebhookSignature.NewSecret();
        // A concurrent rotation that won makes this a 412: the retry rotates on top of it.
        return await storage.Conflicts.RunAsync<RotatedSecret?>(async () =>
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
            await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return new RotatedSecret(secret, expires);
        });
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

        await _table.DeleteRowsAsync(scope.PartitionKey, expired, cancellationToken);
    }

    private async Task DeleteDeliveriesAsync(Scope scope, string webhookId, CancellationToken cancellationToken)
    {
        var (from, to) = WebhookKeys.Range(WebhookKeys.Deliveries(webhookId));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey ge {from} and RowKey lt {to}");
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            // Deleted as read, a batch at a time: a busy webhook's log can hold many rows.
            keys.Add(row.RowKey);
            if (keys.Count == TableExtensions.MaxTransactionActions)
            {
                await _table.DeleteRowsAsync(scope.PartitionKey, keys, cancellationToken);
                keys.Clear();
            }
        }

        await _table.DeleteRowsAsync(scope.PartitionKey, keys, cancellationToken);
    }

    private static bool IsConditional(string? ifMatch) => !string.IsNullOrEmpty(ifMatch) && ifMatch != "*";

    private static TableTransactionAction CountAction(string pk, CountEntity? count, int delta) => count is null
        ? new(TableTransactionActionType.Add, new CountEntity { PartitionKey = pk, RowKey = WebhookKeys.Count, Webhooks = Math.Max(0, delta) })
        : new(TableTransactionActionType.UpdateReplace, new CountEntity { PartitionKey = pk, RowKey = WebhookKeys.Count, Webhooks = Math.Max(0, count.Webhooks + delta) }, count.ETag);
}
