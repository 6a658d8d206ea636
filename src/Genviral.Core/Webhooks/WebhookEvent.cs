using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace Genviral.Core.Webhooks;

/// <summary>What an event is about: its <c>data</c> is this object as the API returns it.</summary>
public enum WebhookSubject
{
    Post,
    Refresh,
    Webhook,
}

/// <summary>
/// An event, with its object as it was when the event happened: <see cref="Data"/> holds that object's storage row
/// (a post row, a refresh row, a webhook row), which the app renders into the API's shape when it sends the event.
/// </summary>
/// <param name="Id">Stable across every attempt (the <c>webhook-id</c> header), so receivers can drop repeats.</param>
/// <param name="AccountId">For post.account.* events: the account whose state reached its end (data is the whole post).</param>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset OccurredAt, WebhookSubject Subject, TableEntity Data, string? AccountId = null)
{
    /// <summary>A new event id: time-ordered, so logs read in order.</summary>
    public static string NewId() => "evt_" + Guid.CreateVersion7().ToString("N");

    /// <summary>A copy of <paramref name="row"/>'s properties, without its keys and metadata: the object as it is now.</summary>
    public static TableEntity Snapshot(TableEntity row)
    {
        var data = new TableEntity();
        foreach (var (name, value) in row)
        {
            if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            {
                data[name] = value;
            }
        }

        return data;
    }
}

/// <summary>An event a state change raises: its type, and for post.account.* events the account whose state ended.</summary>
public sealed record RaisedEvent(string Type, string? AccountId = null);

/// <summary>An event as the outbox keeps it: a raised event with the id it carries in every attempt to every webhook.</summary>
internal sealed record OutboxEvent(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("account_id")] string? AccountId);

public enum DeliveryState
{
    /// <summary>Not delivered yet; <see cref="WebhookDelivery.NextAttemptAt"/> says when the next attempt is due.</summary>
    Pending,
    Delivered,

    /// <summary>Given up: every attempt failed, the receiver answered 410, or the webhook was disabled or changed its mind.</summary>
    Failed,
}

/// <summary>One event for one webhook and how its attempts went: a row of the delivery log.</summary>
/// <param name="Key">The log row's key: the delivery's identity in queue messages and cursors.</param>
public sealed record WebhookDelivery(
    string WebhookId,
    string Key,
    string EventId,
    string EventType,
    DateTimeOffset OccurredAt,
    DeliveryState State,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset CreatedAt);
