using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Media;

/// <summary>
/// The URLs a post's media is fetched from: once re-hosted, read-only SAS URLs of its blobs (the media container is
/// private), otherwise the caller's own URLs. With an account key (Azurite) the SAS is signed with the key; in Azure,
/// where shared keys are off, with a user-delegation key, which is fetched once and reused for an hour.
/// </summary>
public sealed class MediaSigner(StorageClients storage, IOptions<MediaOptions> options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan DelegationKeyReuse = TimeSpan.FromHours(1);

    // A user-delegation key (and every SAS signed with it) lives seven days at most.
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromDays(7);

    // Clocks of storage and of the platforms fetching the media differ a little; the SAS starts slightly in the past.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private (UserDelegationKey Key, DateTimeOffset FetchedAt)? _delegationKey;

    /// <summary>The URLs to show and to publish from, in the media's order.</summary>
    public async Task<IReadOnlyList<string>> UrlsAsync(Post post, CancellationToken cancellationToken)
    {
        if (!post.MediaState.Ready || post.MediaState.Blobs is not { Count: > 0 } blobs)
        {
            return post.Media.Urls;
        }

        var container = storage.Container(StorageNames.MediaContainer);
        var now = time.GetUtcNow();
        var expiresOn = now + options.Value.SasValidity;
        if (container.CanGenerateSasUri)
        {
            return [.. blobs.Select(b => container.GetBlobClient(b).GenerateSasUri(BlobSasPermissions.Read, expiresOn).ToString())];
        }

        var (key, keyExpiresOn) = await DelegationKeyAsync(now, cancellationToken);
        if (keyExpiresOn < expiresOn)
        {
            expiresOn = keyExpiresOn;
        }

        return [.. blobs.Select(b => Sign(container.GetBlobClient(b), key, now, expiresOn))];
    }

    public void Dispose() => _keyLock.Dispose();

    private string Sign(BlobClient blob, UserDelegationKey key, DateTimeOffset now, DateTimeOffset expiresOn)
    {
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = now - ClockSkew,
            Protocol = SasProtocol.Https,
        };
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, storage.Blobs.AccountName) }.ToUri().ToString();
    }

    private async Task<(UserDelegationKey Key, DateTimeOffset ExpiresOn)> DelegationKeyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            if (_delegationKey is not { } cached || now - cached.FetchedAt > DelegationKeyReuse)
            {
                var key = await storage.Blobs.GetUserDelegationKeyAsync(now - ClockSkew, now + DelegationKeyLifetime - ClockSkew, cancellationToken);
                cached = (key.Value, now);
                _delegationKey = cached;
            }

            return (cached.Key, cached.Key.SignedExpiresOn);
        }
        finally
        {
            _keyLock.Release();
        }
    }
}
