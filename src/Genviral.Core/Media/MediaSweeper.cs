using Azure;
using Azure.Storage.Blobs.Models;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Media;

/// <summary>What one sweep removed: content blobs no post uses any more, and staging blobs a crash left behind.</summary>
public sealed record SweepResult(int Blobs, int Removed, int StagingRemoved);

/// <summary>
/// Removes the media blobs nothing uses any more: a re-hosted file once no post of its scope shows it (deleted, edited
/// to other media, failed), and a staging blob a crash left between its commit and its copy. A blob younger than
/// <see cref="MediaOptions.OrphanGrace"/> is never touched: a re-host may be using it right now.
/// <para>
/// Never a blob a live post shows: a blob goes only when none of its reference rows names a post that shows it or is
/// re-hosting it still, and the delete is conditional on the ETag the blob had before those rows were read. A re-host
/// writes its reference row first and then touches the blob (a new ETag), so a sweep that raced it either sees the row
/// or fails its delete; and if the sweep's delete came first, the touch finds no blob and the re-host stores it again.
/// </para>
/// </summary>
public sealed partial class MediaSweeper(
    StorageClients storage, PostStore posts, MediaReferences references, IOptions<MediaOptions> options, TimeProvider time, ILogger<MediaSweeper> logger)
{
    /// <summary>One pass over the media container (a listing of every blob: a timer's work, never a request's).</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var container = storage.Container(StorageNames.MediaContainer);
        var oldest = time.GetUtcNow() - options.Value.OrphanGrace;
        int blobs = 0, removed = 0, staging = 0;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken))
        {
            blobs++;
            if (blob.Properties.LastModified is not { } modified || modified > oldest)
            {
                continue;
            }

            var isStaging = blob.Name.StartsWith(MediaRehoster.StagingPrefix, StringComparison.Ordinal);
            if (!isStaging && (!blob.Metadata.ContainsKey(MediaRehoster.TrackedMetadata) || !await IsUnusedAsync(blob.Name, cancellationToken)))
            {
                // In use, or stored before blobs had reference rows (it is never removed: nothing says who uses it).
                continue;
            }

            try
            {
                await container.GetBlobClient(blob.Name).DeleteAsync(
                    DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = blob.Properties.ETag }, cancellationToken);
                removed += isStaging ? 0 : 1;
                staging += isStaging ? 1 : 0;
                LogRemoved(logger, blob.Name);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Touched by a re-host since it was listed (in use again), or removed by another sweep.
            }
        }

        return new SweepResult(blobs, removed, staging);
    }

    /// <summary>True when no post uses the blob; the reference rows of posts that stopped using it are removed on the way.</summary>
    private async Task<bool> IsUnusedAsync(string blobName, CancellationToken cancellationToken)
    {
        if (!Scope.TryParsePartitionKey(blobName[..Math.Max(0, blobName.IndexOf('/', StringComparison.Ordinal))], out var scope))
        {
            return false;
        }

        var unused = true;
        foreach (var reference in await references.ListAsync(scope, blobName, cancellationToken))
        {
            var media = (await posts.GetAsync(scope, reference.PostId, cancellationToken))?.Post.MediaState;
            var shows = media?.Blobs?.Contains(blobName, StringComparer.Ordinal) == true;
            var rehosting = media is { Ready: false, Failed: false } && media.Version == reference.MediaVersion;
            if (shows || rehosting || !await references.RemoveAsync(scope, blobName, reference, cancellationToken))
            {
                unused = false;
            }
        }

        return unused;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Media blob {Blob} removed: nothing uses it")]
    private static partial void LogRemoved(ILogger logger, string blob);
}
