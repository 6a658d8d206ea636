using System.Text.Json.Serialization;
using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Auth;

internal sealed record KeyUsageMessage(string PublicId, DateTimeOffset UsedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(KeyUsageMessage))]
internal sealed partial class KeyUsageJsonContext : JsonSerializerContext;

/// <summary>Queue function: moves a key's last_used_at forward. Idempotent (never moves it back), so redelivery is harmless.</summary>
internal sealed partial class RecordKeyUsageFunction(ApiKeyStore keys, ILogger<RecordKeyUsageFunction> logger)
{
    [Function(nameof(RecordKeyUsage))]
    public async Task RecordKeyUsage([QueueTrigger(StorageNames.KeyUsageQueue)] string message, string id, CancellationToken cancellationToken)
    {
        var usage = QueueBody.Read(message, KeyUsageJsonContext.Default.KeyUsageMessage);
        if (usage is null || string.IsNullOrEmpty(usage.PublicId))
        {
            // Retrying cannot fix a message that does not parse; drop it instead of filling the poison queue.
            LogMalformed(logger, id);
            return;
        }

        await keys.RecordUsageAsync(usage.PublicId, usage.UsedAt, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed key-usage message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string? messageId);
}
