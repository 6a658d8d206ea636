using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Genviral.Core.Webhooks;

/// <summary>
/// Row keys of the webhooks table. Everything of a scope is in the scope's partition: the webhook rows (a range of at
/// most ten), a secret row per webhook that listings never read, the count row that enforces the limit, and the
/// delivery log, newest first per webhook.
/// </summary>
internal static class WebhookKeys
{
    public const string HookPrefix = "hook|";
    public const string SecretPrefix = "secret|";
    public const string DeliveryPrefix = "delivery|";

    /// <summary>The scope's webhook count, changed in the same transaction as a webhook is added or removed.</summary>
    public const string Count = "count";

    public static string Hook(string id) => HookPrefix + id;

    public static string Secret(string id) => SecretPrefix + id;

    public static string Deliveries(string webhookId) => DeliveryPrefix + webhookId + "|";

    /// <summary>Newest first within a webhook: inverted ticks of when the delivery was logged, then the event id.</summary>
    public static string Delivery(string webhookId, DateTimeOffset loggedAt, string eventId) =>
        Deliveries(webhookId) + (DateTimeOffset.MaxValue.UtcTicks - loggedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + eventId;

    /// <summary>The deliveries of a webhook logged before <paramref name="before"/>: the tail of its range.</summary>
    public static string DeliveriesBefore(string webhookId, DateTimeOffset before) =>
        Deliveries(webhookId) + (DateTimeOffset.MaxValue.UtcTicks - before.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static (string From, string To) Range(string prefix) => (prefix, prefix + "~");
}

/// <summary>The storage shape of a webhook, also its snapshot in the delivery log of a <c>webhook.test</c> event.</summary>
internal static class WebhookEntity
{
    public static TableEntity ToEntity(string partitionKey, Webhook w) => new(partitionKey, WebhookKeys.Hook(w.Id))
    {
        ["Id"] = w.Id,
        ["Url"] = w.Url,
        // Event types contain no commas.
        ["Events"] = string.Join(',', w.Events),
        ["Description"] = w.Description,
        ["Status"] = w.Status.ToString(),
        ["DisabledReason"] = w.DisabledReason,
        ["DisabledAt"] = w.DisabledAt,
        ["ConsecutiveFailures"] = w.ConsecutiveFailures,
        ["FailingSince"] = w.FailingSince,
        ["CreatedAt"] = w.CreatedAt,
        ["UpdatedAt"] = w.UpdatedAt,
    };

    public static Webhook ToWebhook(TableEntity e) => new(
        e.GetString("Id"),
        e.GetString("Url"),
        e.GetString("Events").Split(',', StringSplitOptions.RemoveEmptyEntries),
        e.GetString("Description"),
        Enum.Parse<WebhookStatus>(e.GetString("Status")),
        e.GetString("DisabledReason"),
        e.GetDateTimeOffset("DisabledAt"),
        e.GetInt32("ConsecutiveFailures") ?? 0,
        e.GetDateTimeOffset("FailingSince"),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default);
}

/// <summary>
/// The signing secrets of one webhook, apart from the webhook row so that no listing reads them. Stored as issued (the
/// app must sign with them, so a hash would not do); the storage account's encryption at rest and its access control
/// protect them, as they protect the platform credentials.
/// </summary>
internal sealed class SecretEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Current { get; set; } = "";

    /// <summary>The secret replaced by the last rotation, still signing until <see cref="PreviousExpiresAt"/>.</summary>
    public string? Previous { get; set; }
    public DateTimeOffset? PreviousExpiresAt { get; set; }
}

internal sealed class CountEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Webhooks { get; set; }
}

/// <summary>
/// An event's object as it was when the event happened, kept on the outbox row and on each delivery log row as
/// properties prefixed <see cref="Prefix"/>, so every attempt sends the same event, whatever happened to the object since.
/// </summary>
internal static class EventData
{
    public const string Prefix = "Data_";

    public static void WriteTo(TableEntity row, TableEntity data)
    {
        foreach (var (name, value) in data)
        {
            row[Prefix + name] = value;
        }
    }

    public static TableEntity ReadFrom(TableEntity row)
    {
        var data = new TableEntity();
        foreach (var (name, value) in row)
        {
            if (name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                data[name[Prefix.Length..]] = value;
            }
        }

        return data;
    }
}

/// <summary>
/// An outbox row: the events one state change raised, written in the same entity-group transaction as that change (so
/// in the changed object's table and partition, under its own row-key prefix), with one copy of the object as the
/// change left it. Removed once every event is in the delivery log of each webhook that wants it.
/// </summary>
internal static class OutboxEntity
{
    public const string Prefix = "outbox|";

    public static string Key(string id) => Prefix + id;

    public static TableEntity From(string partitionKey, string id, DateTimeOffset occurredAt, WebhookSubject subject, IReadOnlyList<OutboxEvent> events, TableEntity data)
    {
        var row = new TableEntity(partitionKey, Key(id))
        {
            ["OccurredAt"] = occurredAt,
            ["Subject"] = subject.ToString(),
            ["Events"] = JsonSerializer.Serialize(events.ToList(), WebhookJson.Default.ListOutboxEvent),
        };
        EventData.WriteTo(row, data);
        return row;
    }

    public static IReadOnlyList<WebhookEvent> ToEvents(TableEntity row)
    {
        var occurredAt = row.GetDateTimeOffset("OccurredAt") ?? default;
        var subject = Enum.Parse<WebhookSubject>(row.GetString("Subject"));
        var data = EventData.ReadFrom(row);
        var events = JsonSerializer.Deserialize(row.GetString("Events"), WebhookJson.Default.ListOutboxEvent) ?? [];
        return [.. events.Select(e => new WebhookEvent(e.Id, e.Type, occurredAt, subject, data, e.AccountId))];
    }
}

/// <summary>A delivery log row: one event for one webhook and how its attempts went, with the event's object (<see cref="EventData"/>).</summary>
internal static class DeliveryEntity
{
    public static TableEntity From(string partitionKey, string rowKey, string webhookId, WebhookEvent e, DateTimeOffset loggedAt)
    {
        var row = new TableEntity(partitionKey, rowKey)
        {
            ["WebhookId"] = webhookId,
            ["EventId"] = e.Id,
            ["EventType"] = e.Type,
            ["OccurredAt"] = e.OccurredAt,
            ["Subject"] = e.Subject.ToString(),
            ["AccountId"] = e.AccountId,
            ["State"] = nameof(DeliveryState.Pending),
            ["Attempts"] = 0,
            ["CreatedAt"] = loggedAt,
        };
        EventData.WriteTo(row, e.Data);
        return row;
    }

    public static WebhookDelivery ToDelivery(TableEntity row) => new(
        row.GetString("WebhookId"),
        row.RowKey,
        row.GetString("EventId"),
        row.GetString("EventType"),
        row.GetDateTimeOffset("OccurredAt") ?? default,
        Enum.Parse<DeliveryState>(row.GetString("State")),
        row.GetInt32("Attempts") ?? 0,
        row.GetInt32("LastStatusCode"),
        row.GetString("LastError"),
        row.GetDateTimeOffset("NextAttemptAt"),
        row.GetDateTimeOffset("DeliveredAt"),
        row.GetDateTimeOffset("CreatedAt") ?? default);

    public static WebhookEvent ToEvent(TableEntity row) =>
        new(row.GetString("EventId"), row.GetString("EventType"), row.GetDateTimeOffset("OccurredAt") ?? default,
            Enum.Parse<WebhookSubject>(row.GetString("Subject")), EventData.ReadFrom(row), row.GetString("AccountId"));

    /// <summary>The row's outcome fields set to <paramref name="d"/>'s.</summary>
    public static TableEntity WithOutcome(TableEntity row, WebhookDelivery d)
    {
        row["State"] = d.State.ToString();
        row["Attempts"] = d.Attempts;
        row["LastStatusCode"] = d.LastStatusCode;
        row["LastError"] = d.LastError;
        row["NextAttemptAt"] = d.NextAttemptAt;
        row["DeliveredAt"] = d.DeliveredAt;
        return row;
    }
}
