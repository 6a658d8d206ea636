using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Logging;

namespace Genviral.Core.Webhooks;

/// <summary>
/// The events of one state change on their way into its transaction: <see cref="Record"/> gives the outbox row to add to
/// the change's entity-group transaction, and once that commits <see cref="WebhookOutbox.PublishAsync"/> hands them on.
/// </summary>
public sealed class PendingEvents
{
    internal PendingEvents(
        Scope scope, string table, string id, DateTimeOffset occurredAt, WebhookSubject subject, IReadOnlyList<OutboxEvent> events, IReadOnlyList<Webhook> receivers)
    {
        Scope = scope;
        Table = table;
        Id = id;
        OccurredAt = occurredAt;
        Subject = subject;
        Events = events;
        Receivers = receivers;
    }

    internal Scope Scope { get; }

    /// <summary>The table of the change, which holds the outbox row (unprefixed, as in <see cref="StorageNames"/>).</summary>
    internal string Table { get; }

    internal string Id { get; }

    internal DateTimeOffset OccurredAt { get; }

    internal WebhookSubject Subject { get; }

    internal IReadOnlyList<OutboxEvent> Events { get; }

    /// <summary>The scope's active webhooks that want any of the events, as read before the change.</summary>
    internal IReadOnlyList<Webhook> Receivers { get; }

    /// <summary>The object as the change writes it (the last <see cref="Record"/>: the transaction attempt that committed).</summary>
    internal TableEntity? Data { get; private set; }

    /// <summary>
    /// The outbox row to add to the change's transaction, carrying <paramref name="subjectRow"/> (the object's row as the
    /// transaction writes it) as the events' data. Called again for each attempt of the transaction.
    /// </summary>
    public TableTransactionAction Record(TableEntity subjectRow)
    {
        Data = WebhookEvent.Snapshot(subjectRow);
        return new TableTransactionAction(TableTransactionActionType.Add, OutboxEntity.From(Scope.PartitionKey, Id, OccurredAt, Subject, Events, Data));
    }

    internal IReadOnlyList<WebhookEvent> ToEvents() => Data is { } data
        ? [.. Events.Select(e => new WebhookEvent(e.Id, e.Type, OccurredAt, Subject, data, e.AccountId))]
        : throw new InvalidOperationException("The events were not recorded in a transaction.");
}

/// <summary>
/// Gets events from the state changes that raise them into the delivery log, without losing one to a crash. Before the
/// change, <see cref="PrepareAsync"/> reads which webhooks want the events (none: nothing more happens) and writes a hint,
/// in a table partitioned by minute, naming the outbox row to come; the change's own transaction writes the outbox row
/// (<see cref="PendingEvents.Record"/>); after it commits, <see cref="PublishAsync"/> logs each event for each webhook,
/// queues the first attempts, and removes the outbox row, then the hint. If the process dies after the commit, the
/// timer's <see cref="SweepAsync"/> finds the hint once it is <see cref="SweepDelay"/> old, reads the outbox row it names
/// (a point read), and finishes the job; a hint whose change never committed names no row and is dropped. No table
/// or partition is scanned: the sweep reads a bounded range of old minutes of the hint table, which holds only hints
/// still open.
/// </summary>
public sealed partial class WebhookOutbox(StorageClients storage, WebhookStore webhooks, TimeProvider time, ILogger<WebhookOutbox> logger)
{
    /// <summary>
    /// How old a hint must be before the sweep takes it: far longer than a change's transaction and the hand-over after it
    /// can take (a storage call with the SDK's retries stays within a few minutes), so the sweep never drops the hint of
    /// a change still in flight.
    /// </summary>
    public static readonly TimeSpan SweepDelay = TimeSpan.FromMinutes(10);

    /// <summary>Hints one sweep takes on; a longer backlog is worked off by the next runs, oldest first.</summary>
    internal const int MaxPerSweep = 500;

    private const int MaxConcurrency = 8;

    private readonly TableClient _hints = storage.Table(StorageNames.WebhookOutboxTable);

    /// <summary>
    /// The events <paramref name="raised"/> by a change about to be written to <paramref name="table"/>, or null when no
    /// active webhook of the scope wants any of them (then nothing is recorded). Writes the hint before returning.
    /// </summary>
    public async Task<PendingEvents?> PrepareAsync(
        Scope scope, string table, WebhookSubject subject, IReadOnlyList<RaisedEvent> raised, CancellationToken cancellationToken)
    {
        if (raised.Count == 0)
        {
            return null;
        }

        var receivers = await ReceiversAsync(scope, raised.Select(r => r.Type), cancellationToken);
        if (receivers.Count == 0)
        {
            return null;
        }

        var pending = new PendingEvents(scope, table, Guid.CreateVersion7().ToString("N"), time.GetUtcNow(), subject,
            [.. raised.Select(r => new OutboxEvent(WebhookEvent.NewId(), r.Type, r.AccountId))], receivers);
        await _hints.UpsertEntityAsync(Hint(pending.OccurredAt, table, scope, pending.Id), TableUpdateMode.Replace, cancellationToken);
        return pending;
    }

    /// <summary>
    /// After the change committed: logs each event for each receiver that wants it, queues the first attempts, and removes
    /// the outbox row and the hint. A failure is logged, not thrown: the change stands, and the sweep finishes the job.
    /// </summary>
    public async Task PublishAsync(PendingEvents pending, CancellationToken cancellationToken)
    {
        try
        {
            await HandOverAsync(pending.Scope, pending.Table, pending.Id, Bucket(pending.OccurredAt), pending.ToEvents(), pending.Receivers, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLeftForSweep(logger, e, pending.Scope.PartitionKey, pending.Id);
        }
    }

    /// <summary>
    /// The change reports it did not happen (it lost to another writer, or found its object gone or ended): settles the
    /// hint now rather than leaving it to the sweep. It does what the sweep would: the hint goes, unless the outbox row
    /// is there after all (a commit whose answer was lost, and the retry of it then lost to the commit itself), whose
    /// events are then handed over. A failure is logged, not thrown: the sweep tries later.
    /// </summary>
    public async Task AbandonAsync(PendingEvents pending, CancellationToken cancellationToken)
    {
        try
        {
            await SweepOneAsync(Hint(pending.OccurredAt, pending.Table, pending.Scope, pending.Id), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogLeftForSweep(logger, e, pending.Scope.PartitionKey, pending.Id);
        }
    }

    /// <summary>
    /// Logs <paramref name="e"/> for one webhook and queues its first attempt, unless an attempt was already made (the
    /// event was logged before: a sweep after a hand-over that stopped half-way, or a repeated call).
    /// </summary>
    public async Task<WebhookDelivery> EnqueueAsync(Scope scope, string webhookId, WebhookEvent e, CancellationToken cancellationToken)
    {
        // Logged first: a message whose row is missing is dropped, so the row must exist before the message can be seen.
        var stored = await webhooks.AddDeliveryAsync(scope, webhookId, e, cancellationToken);
        if (stored.Delivery is { State: DeliveryState.Pending, Attempts: 0 })
        {
            await new WebhookDeliveryMessage(scope.PartitionKey, stored.Delivery.Key, 1).SendAsync(storage, TimeSpan.Zero, cancellationToken);
        }

        return stored.Delivery;
    }

    /// <summary>Finishes the hand-over of changes whose writer stopped after the commit; returns the hints it took on.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Bucket(time.GetUtcNow() - SweepDelay)}");
        var hints = new List<TableEntity>();
        await foreach (var hint in _hints.QueryAsync<TableEntity>(filter, maxPerPage: MaxPerSweep, cancellationToken: cancellationToken))
        {
            hints.Add(hint);
            if (hints.Count == MaxPerSweep)
            {
                break;
            }
        }

        await Parallel.ForEachAsync(hints, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency, CancellationToken = cancellationToken }, async (hint, ct) =>
        {
            try
            {
                await SweepOneAsync(hint, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The hint stays, so the next sweep tries again.
                LogSweepFailed(logger, e, hint.RowKey);
            }
        });
        return hints.Count;
    }

    private async Task SweepOneAsync(TableEntity hint, CancellationToken cancellationToken)
    {
        var table = hint.GetString("Table");
        if (!StorageNames.Tables.Contains(table, StringComparer.Ordinal) || !Scope.TryParsePartitionKey(hint.GetString("Scope"), out var scope))
        {
            await _hints.DeleteEntityAsync(hint.PartitionKey, hint.RowKey, ETag.All, cancellationToken);
            return;
        }

        var id = hint.GetString("OutboxId");
        var row = await storage.Table(table).GetEntityOrNullAsync<TableEntity>(scope.PartitionKey, OutboxEntity.Key(id), cancellationToken);
        if (row is null)
        {
            // Handed over already, or the change never committed.
            await _hints.DeleteEntityAsync(hint.PartitionKey, hint.RowKey, ETag.All, cancellationToken);
            return;
        }

        var events = OutboxEntity.ToEvents(row);
        // Whoever wants the events now: a webhook disabled or deleted since has its deliveries refused anyway.
        var receivers = await ReceiversAsync(scope, events.Select(e => e.Type), cancellationToken);
        await HandOverAsync(scope, table, id, hint.PartitionKey, events, receivers, cancellationToken);
        LogSwept(logger, scope.PartitionKey, id, events.Count);
    }

    /// <summary>
    /// Logs the events for their receivers, then removes the outbox row, then the hint (in that order: a hint without its
    /// row is harmless, a row without its hint would never be found). Logging an event twice finds its first log row.
    /// </summary>
    private async Task HandOverAsync(
        Scope scope, string table, string id, string bucket, IReadOnlyList<WebhookEvent> events, IReadOnlyList<Webhook> receivers, CancellationToken cancellationToken)
    {
        await Task.WhenAll(receivers.Select(async hook =>
        {
            foreach (var e in events.Where(e => hook.IsSubscribedTo(e.Type)))
            {
                await EnqueueAsync(scope, hook.Id, e, cancellationToken);
            }
        }));
        await storage.Table(table).DeleteEntityAsync(scope.PartitionKey, OutboxEntity.Key(id), ETag.All, cancellationToken);
        await _hints.DeleteEntityAsync(bucket, HintRow(table, scope, id), ETag.All, cancellationToken);
    }

    private async Task<IReadOnlyList<Webhook>> ReceiversAsync(Scope scope, IEnumerable<string> types, CancellationToken cancellationToken)
    {
        var wanted = types.ToList();
        return [.. (await webhooks.ListAsync(scope, cancellationToken)).Select(s => s.Webhook)
            .Where(h => h.Status == WebhookStatus.Active && wanted.Any(h.IsSubscribedTo))];
    }

    private static TableEntity Hint(DateTimeOffset at, string table, Scope scope, string id) =>
        new(Bucket(at), HintRow(table, scope, id)) { ["Table"] = table, ["Scope"] = scope.PartitionKey, ["OutboxId"] = id };

    private static string HintRow(string table, Scope scope, string id) => table + "|" + scope.PartitionKey + "|" + id;

    private static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Events {OutboxId} of {Scope} are recorded but not handed over yet; the outbox sweep will")]
    private static partial void LogLeftForSweep(ILogger logger, Exception exception, string scope, string outboxId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox hint {Hint} could not be swept; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string hint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox sweep handed over {Count} events {OutboxId} of {Scope}, left by a writer that stopped")]
    private static partial void LogSwept(ILogger logger, string scope, string outboxId, int count);
}
