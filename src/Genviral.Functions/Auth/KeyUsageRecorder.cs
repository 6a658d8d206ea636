using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Auth;

/// <summary>
/// Keeps last_used_at without a table write per request: when the stored value is older than the interval,
/// one queue message per key per interval (per instance) carries the use to RecordKeyUsage, off the request path.
/// </summary>
internal sealed partial class KeyUsageRecorder(StorageClients storage, IOptions<ApiKeyOptions> options, ILogger<KeyUsageRecorder> logger)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);

    public async Task RecordAsync(ApiKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var interval = options.Value.LastUsedInterval;
        if (key.LastUsedAt is { } stored && now - stored < interval)
        {
            return;
        }

        if (_lastSent.TryGetValue(key.PublicId, out var sent) && now - sent < interval)
        {
            return;
        }

        _lastSent[key.PublicId] = now;
        var message = JsonSerializer.Serialize(new KeyUsageMessage(key.PublicId, now), KeyUsageJsonContext.Default.KeyUsageMessage);
        try
        {
            await storage.Queue(StorageNames.KeyUsageQueue).SendMessageAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException || StorageFailures.IsUnavailable(e, cancellationToken))
        {
            // Usage tracking must never fail an API call; the next request after the interval tries again.
            _lastSent.TryRemove(key.PublicId, out _);
            LogSendFailed(logger, e, key.PublicId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not enqueue key usage for {PublicId}")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string publicId);
}
