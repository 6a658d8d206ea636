using Azure;
using Azure.Data.Tables;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Media;

/// <summary>A post's use of a blob, written when its media version was re-hosted.</summary>
public sealed record MediaReference(string PostId, string MediaVersion, ETag ETag);

/// <summary>
/// Which posts use a re-hosted blob. Blobs are deduplicated by content (the media index) and shared by every post of a scope that shows the same
/// file, so a blob can only go when none of them uses it. A row per (blob, post) lives in the scope's posts partition;
/// the re-host writes it before it uses the blob, and <see cref="MediaSweeper"/> reads it, checks each post, and removes
/// the rows of posts that no longer show the blob.
/// </summary>
public sealed class MediaReferences(StorageClients storage)
{
    private readonly TableClient _table = storage.Table(StorageNames.PostsTable);

    /// <summary>Records that media version <paramref name="mediaVersion"/> of the post uses <paramref name="blobName"/> (<c>{scope}/{file}</c>).</summary>
    public Task AddAsync(Scope scope, string blobName, string postId, string mediaVersion, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(
            new TableEntity(scope.PartitionKey, PostKeys.MediaReferences(File(blobName)) + postId) { ["PostId"] = postId, ["MediaVersion"] = mediaVersion },
            TableUpdateMode.Replace, cancellationToken);

    public async Task<IReadOnlyList<MediaReference>> ListAsync(Scope scope, string blobName, CancellationToken cancellationToken)
    {
        var prefix = PostKeys.MediaReferences(File(blobName));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scope.PartitionKey} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        var references = new List<MediaReference>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            references.Add(new MediaReference(row.GetString("PostId"), row.GetString("MediaVersion"), row.ETag));
        }

        return references;
    }

    /// <summary>Removes a use unless it was written again since it was read; false then (the blob is in use once more).</summary>
    public async Task<bool> RemoveAsync(Scope scope, string blobName, MediaReference reference, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(scope.PartitionKey, PostKeys.MediaReferences(File(blobName)) + reference.PostId, reference.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>The blob name without its scope folder.</summary>
    private static string File(string blobName) => blobName[(blobName.IndexOf('/', StringComparison.Ordinal) + 1)..];
}
