using Azure;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Auth;

public sealed record IssuedKey(ApiKey Key, string Token);

public sealed class ApiKeyStore(StorageClients storage, TimeProvider time, AccessCache cache)
{
    private readonly TableClient _keys = storage.Table(StorageNames.ApiKeysTable);
    private readonly TableClient _tenants = storage.Table(StorageNames.TenantsTable);

    /// <summary>Creates a key; the returned token is the only time the secret exists outside the caller.</summary>
    public async Task<IssuedKey> IssueAsync(Scope scope, string ownerUserId, string name, CancellationToken cancellationToken)
    {
        var (publicId, secret) = ApiToken.Generate();
        var entity = new ApiKeyEntity
        {
            PartitionKey = publicId,
            Name = name,
            SecretHash = ApiToken.Hash(secret),
            SecretSuffix = secret[^4..],
            ScopeKind = scope.Kind.ToString(),
            ScopeId = scope.Id,
            OwnerUserId = ownerUserId,
            CreatedAt = time.GetUtcNow(),
        };

        // Index row first: if the second write never happens, the listing shows nothing for it (ListAsync skips
        // index rows without a key), whereas a key without an index row could never be listed or revoked by owner.
        await _tenants.UpsertEntityAsync(
            new ApiKeyIndexEntity { PartitionKey = scope.PartitionKey, RowKey = ApiKeyIndexEntity.RowPrefix + publicId },
            TableUpdateMode.Replace, cancellationToken);
        await _keys.AddEntityAsync(entity, cancellationToken);
        return new IssuedKey(entity.ToApiKey(), ApiToken.Format(publicId, secret));
    }

    public async Task<ApiKey?> GetAsync(string publicId, CancellationToken cancellationToken) =>
        ApiToken.IsPublicId(publicId)
            ? (await _keys.GetEntityOrNullAsync<ApiKeyEntity>(publicId, "", cancellationToken))?.ToApiKey()
            : null;

    /// <summary>
    /// Looks the token's key up (through <see cref="AccessCache"/>) and checks its secret in constant time on every
    /// call. Null for an unknown key or a wrong secret; a revoked key is returned so the caller decides (it is
    /// refused exactly like an unknown one).
    /// </summary>
    public async Task<ApiKey?> VerifyAsync(string publicId, string secret, CancellationToken cancellationToken)
    {
        var stored = await cache.GetOrLoadAsync(AccessCache.KeyEntry(publicId), async () =>
            await _keys.GetEntityOrNullAsync<ApiKeyEntity>(publicId, "", cancellationToken) is { } entity
                ? new VerifiableKey(entity.ToApiKey(), entity.SecretHash)
                : null);
        return stored is not null && ApiToken.Verify(secret, stored.SecretHash) ? stored.Key : null;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(Scope scope, CancellationToken cancellationToken)
    {
        var publicIds = new List<string>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {scope.PartitionKey} and RowKey ge {ApiKeyIndexEntity.RowPrefix} and RowKey lt {"key}"}");
        await foreach (var index in _tenants.QueryAsync<ApiKeyIndexEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            publicIds.Add(index.PublicId);
        }

        var keys = await Task.WhenAll(publicIds.Select(id => GetAsync(id, cancellationToken)));
        return [.. keys.OfType<ApiKey>().OrderBy(k => k.CreatedAt)];
    }

    /// <summary>Revokes a key (idempotent: the first revocation time is kept). Null when the key does not exist.</summary>
    public async Task<ApiKey?> RevokeAsync(string publicId, CancellationToken cancellationToken)
    {
        var entity = await _keys.GetEntityOrNullAsync<ApiKeyEntity>(publicId, "", cancellationToken);
        if (entity is null)
        {
            return null;
        }

        if (entity.RevokedAt is null)
        {
            entity.RevokedAt = time.GetUtcNow();
            // Merge touches only RevokedAt, so a concurrent last_used_at write cannot undo the revocation.
            await _keys.UpdateEntityAsync(
                new TableEntity(publicId, "") { [nameof(ApiKeyEntity.RevokedAt)] = entity.RevokedAt },
                ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        cache.Forget(AccessCache.KeyEntry(publicId));
        return entity.ToApiKey();
    }

    /// <summary>
    /// Moves last_used_at forward to <paramref name="usedAt"/>; never backwards, so late or duplicate queue
    /// messages are harmless. Returns false when the key no longer exists.
    /// </summary>
    public Task<bool> RecordUsageAsync(string publicId, DateTimeOffset usedAt, CancellationToken cancellationToken) =>
        storage.Conflicts.RunAsync(async () =>
        {
            var entity = await _keys.GetEntityOrNullAsync<ApiKeyEntity>(publicId, "", cancellationToken);
            if (entity is null)
            {
                return false;
            }

            if (entity.LastUsedAt >= usedAt)
            {
                return true;
            }

            try
            {
                await _keys.UpdateEntityAsync(
                    new TableEntity(publicId, "") { [nameof(ApiKeyEntity.LastUsedAt)] = usedAt },
                    entity.ETag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Deleted since the read. (Changed since the read, 412, is the retry's: it looks again.)
                return false;
            }
        });
}

/// <summary>A key with the hash its secret must match: what authentication keeps, never the secret itself.</summary>
internal sealed record VerifiableKey(ApiKey Key, string SecretHash);
