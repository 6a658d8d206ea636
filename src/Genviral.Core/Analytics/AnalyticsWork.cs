using System.Text.Json;
using System.Text.Json.Serialization;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Analytics;

/// <summary>
/// A message of the analytics-refresh queue: run refresh <c>refresh_id</c>, or (from the daily capture) take the free
/// snapshot of <c>target_id</c> for <c>day</c>. Ids only; the consumer reads the rows and is idempotent.
/// </summary>
public sealed record AnalyticsWorkMessage(
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("target_id")] string TargetId,
    [property: JsonPropertyName("refresh_id")] string? RefreshId,
    [property: JsonPropertyName("day")] string? Day);

[JsonSerializable(typeof(AnalyticsWorkMessage))]
internal sealed partial class AnalyticsWorkJson : JsonSerializerContext;

public sealed class AnalyticsWork(StorageClients storage)
{
    /// <summary>Queues the run of a refresh, at once or, for its recovery message, visible only after <paramref name="delay"/>.</summary>
    public Task SendRefreshAsync(Scope scope, string targetId, string refreshId, TimeSpan? delay, CancellationToken cancellationToken) =>
        SendAsync(new AnalyticsWorkMessage(scope.PartitionKey, targetId, refreshId, null), delay, cancellationToken);

    public Task SendDailyAsync(string scopePartition, string targetId, string day, CancellationToken cancellationToken) =>
        SendAsync(new AnalyticsWorkMessage(scopePartition, targetId, null, day), null, cancellationToken);

    /// <summary>Parses a queue message; null when it is not one of ours (retrying cannot fix that).</summary>
    public static AnalyticsWorkMessage? Parse(string body) =>
        QueueBody.Read(body, AnalyticsWorkJson.Default.AnalyticsWorkMessage) is { Scope.Length: > 0, TargetId.Length: > 0 } message
            && (message.RefreshId is not null || message.Day is not null)
            ? message
            : null;

    private async Task SendAsync(AnalyticsWorkMessage message, TimeSpan? delay, CancellationToken cancellationToken) =>
        await storage.Queue(StorageNames.AnalyticsRefreshQueue)
            .SendMessageAsync(JsonSerializer.Serialize(message, AnalyticsWorkJson.Default.AnalyticsWorkMessage), delay, cancellationToken: cancellationToken);
}
