using System.Text.Json.Serialization;
using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Genviral.Functions.Hosting;

namespace Genviral.Functions.Auth;

internal sealed record KeyUsageMessage(string PublicId, DateTimeOffset UsedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(KeyUsageMessage))]
internal sealed partial class KeyUsageJsonContext : JsonSerializerContext;

/// <summary>Queue function: moves a key's last_used_at forward. Idempotent (never moves it back), so redelivery is harmless.</summary>
internal sealed partial class RecordKeyUsageFunction(ApiKeyStore keys, ILogger<RecordKeyUsageFunction> logger) : IQueueFunction
{
    public string Name => "RecordKeyUsage";

    public string Queue => StorageNames.KeyUsageQueue;

    public async Task RunAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var usage = QueueBody.Read(message.Body, KeyUsageJsonContext.Default.KeyUsageMessage);
        if (usage is null || string.IsNullOrEmpty(usage.PublicId))
        {
            // Retrying cannot fix a message that does not parse; drop it instead of filling the poison queue.
            LogMalformed(logger, message.Id);
            return;
        }

        await keys.RecordUsageAsync(usage.PublicId, usage.UsedAt, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed key-usage message {MessageId}")]
    private static partial void LogMalformed(ILogger logger, string? messageId);
}
