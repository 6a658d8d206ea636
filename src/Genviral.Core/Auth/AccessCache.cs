using System.Collections.Concurrent;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Auth;

/// <summary>Bound from the ApiKeys section, beside the app's other key settings.</summary>
public sealed class AccessCacheOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>How long a key row and a subscription read for authentication are reused; zero reads storage on every request.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// What authenticating a request reads (the key row and the owner's subscription), kept for a short time so an
/// authenticated request costs no storage round trip of its own. Every change made through
/// <see cref="ApiKeyStore"/> or <see cref="TenantStore"/> in this process drops the affected entry at once; a change
/// made by another process (the admin CLI, another instance) is seen after at most <see cref="AccessCacheOptions.CacheDuration"/>.
/// Only rows that exist are kept, so unknown key ids cannot grow the cache.
/// </summary>
public sealed class AccessCache(IOptions<AccessCacheOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _changes;

    internal static string KeyEntry(string publicId) => "key|" + publicId;

    internal static string SubscriptionEntry(Scope scope) => "sub|" + scope.PartitionKey;

    internal async Task<T?> GetOrLoadAsync<T>(string entry, Func<Task<T?>> load)
        where T : class
    {
        var duration = options.Value.CacheDuration;
        if (duration <= TimeSpan.Zero)
        {
            return await load();
        }

        var now = time.GetUtcNow();
        if (_entries.TryGetValue(entry, out var cached) && cached.ExpiresAt > now)
        {
            return (T)cached.Value;
        }

        var changesBefore = Interlocked.Read(ref _changes);
        var value = await load();
        if (value is null)
        {
            _entries.TryRemove(entry, out _);
            return null;
        }

        var fresh = new Entry(value, now + duration);
        _entries[entry] = fresh;
        // A change may have been forgotten while the load was in flight; what the load read may predate it. Forget
        // increments before it removes, so either it removes our entry or we see the increment here and remove it.
        if (Interlocked.Read(ref _changes) != changesBefore)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(entry, fresh));
        }

        return value;
    }

    /// <summary>Called after the stored row changed, so the next request reads it again.</summary>
    internal void Forget(string entry)
    {
        Interlocked.Increment(ref _changes);
        _entries.TryRemove(entry, out _);
    }

    private sealed record Entry(object Value, DateTimeOffset ExpiresAt);
}
