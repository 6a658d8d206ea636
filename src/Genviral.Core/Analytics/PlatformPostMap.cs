using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Analytics;

/// <summary>The Genviral post (and its external_id) behind a platform post, for matching analytics rows to posts we published.</summary>
public sealed record PlatformPostLink(Platform Platform, string PlatformPostId, string GenviralPostId, string? ExternalId);

/// <summary>
/// Which Genviral post a platform post came from. Publishing calls <see cref="LinkAsync"/> when an account state is
/// posted; analytics looks rows up by (scope, platform, platform post id). Partition = scope, row = platform|post id.
/// </summary>
public sealed class PlatformPostMap(StorageClients storage, TimeProvider time)
{
    private readonly TableClient _table = storage.Table(StorageNames.PlatformPostsTable);

    /// <summary>Records (or re-records) the link; idempotent, so publishing may call it again after a retry.</summary>
    public async Task LinkAsync(Scope scope, Platform platform, string platformPostId, string genviralPostId, string? externalId, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(scope.PartitionKey, RowKey(platform, platformPostId))
        {
            ["Platform"] = platform.ToWire(),
            ["PlatformPostId"] = platformPostId,
            ["GenviralPostId"] = genviralPostId,
            ["ExternalId"] = externalId,
            ["LinkedAt"] = time.GetUtcNow(),
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<PlatformPostLink?> FindAsync(Scope scope, Platform platform, string platformPostId, CancellationToken cancellationToken)
    {
        var e = await _table.GetEntityOrNullAsync<TableEntity>(scope.PartitionKey, RowKey(platform, platformPostId), cancellationToken);
        return e is null ? null : new PlatformPostLink(platform, platformPostId, e.GetString("GenviralPostId"), e.GetString("ExternalId"));
    }

    private static string RowKey(Platform platform, string platformPostId) => platform.ToWire() + "|" + AnalyticsKeys.Safe(platformPostId);
}
