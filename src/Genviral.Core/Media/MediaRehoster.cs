using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Media;

/// <summary>One re-hosted file: its content-addressed blob name in the media container, and what it is.</summary>
public sealed record StoredMedia(string BlobName, string Sha256, long Length, MediaFormat Format);

/// <summary>
/// Copies media from a caller's URL into the media container, and checks hosted-only media is reachable. Public so
/// that a benchmark can re-host a file directly, without a post or a queue.
/// </summary>
public sealed class MediaRehoster(StorageClients storage, MediaHttp http, IOptions<MediaOptions> options)
{
    /// <summary>Size of each staged block: two such buffers per file in flight is all the memory a copy takes.</summary>
    public const int BlockBytes = 4 * 1024 * 1024;

    /// <summary>Where a file is assembled before its hash (and so its name) is known.</summary>
    public const string StagingPrefix = "staging/";

    /// <summary>
    /// Metadata of every content blob stored since blobs are reference-counted: the media sweep only ever removes
    /// blobs that carry it (and so have reference rows), never one stored before.
    /// </summary>
    public const string TrackedMetadata = "referenced";

    private static readonly RangeHeaderValue FirstBytes = new(0, MediaFormat.SignatureLength - 1);
    private static readonly Dictionary<string, string> Tracked = new(StringComparer.Ordinal) { [TrackedMetadata] = "true" };

    /// <summary>
    /// Streams <paramref name="source"/> into <c>{scope}/{sha256}.{ext}</c>: a file already stored under the
    /// scope is not stored again. <paramref name="reference"/> is told the blob name once it is known, before the blob
    /// is used, so that the media sweep sees the use (see <see cref="MediaSweeper"/>).
    /// </summary>
    /// <exception cref="MediaFailureException">Refused, gone, too large or not a <paramref name="type"/> file.</exception>
    public async Task<StoredMedia> RehostAsync(
        string scope, Uri source, MediaType type, Func<string, CancellationToken, Task>? reference, CancellationToken cancellationToken)
    {
        var limit = type == MediaType.Video ? options.Value.MaxVideoBytes : options.Value.MaxImageBytes;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.FetchTimeout);
        try
        {
            using var response = await http.SendAsync(HttpMethod.Get, source, range: null, deadline.Token);
            MediaHttp.EnsureAvailable(response, source);
            if (response.Content.Headers.ContentLength is { } declared && declared > limit)
            {
                throw TooLarge(limit, $"it declares {declared} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            return await StoreAsync(scope, body, limit, type, reference, deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Slow is transient: the queue tries again, and the last attempt fails the post.
            throw new TimeoutException($"fetching {MediaHttp.Describe(source)} took longer than {options.Value.FetchTimeout}", e);
        }
    }

    /// <summary>
    /// Stores <paramref name="body"/> in blocks of <see cref="BlockBytes"/> while hashing it, reading the next block
    /// while the previous one uploads. The size limit is counted on the bytes themselves, whatever the headers said.
    /// </summary>
    public async Task<StoredMedia> StoreAsync(
        string scope, Stream body, long limit, MediaType type, Func<string, CancellationToken, Task>? reference, CancellationToken cancellationToken)
    {
        var container = storage.Container(StorageNames.MediaContainer);
        var staging = container.GetBlockBlobClient($"{StagingPrefix}{scope}/{Guid.NewGuid():N}");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(BlockBytes), ArrayPool<byte>.Shared.Rent(BlockBytes)];
        var blockIds = new List<string>();
        var staged = Task.CompletedTask;
        MediaFormat? format = null;
        long total = 0;
        try
        {
            for (var i = 0; ; i++)
            {
                var buffer = buffers[i % 2];
                var read = await FillAsync(body, buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > limit)
                {
                    throw TooLarge(limit, "it is larger");
                }

                format ??= CheckType(buffer.AsSpan(0, read), type);
                sha.AppendData(buffer, 0, read);
                await staged;
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(i.ToString("D6", CultureInfo.InvariantCulture)));
                blockIds.Add(id);
                staged = staging.StageBlockAsync(id, new MemoryStream(buffer, 0, read, writable: false), cancellationToken: cancellationToken);
            }

            await staged;
        }
        finally
        {
            // A block may still be uploading from a pooled buffer; it must be done before the buffer goes back.
            await Task.WhenAny(staged);
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }

        if (format is null)
        {
            throw new MediaFailureException(MediaFailureReason.TypeInvalid, "the file is empty");
        }

        // Until committed, the staged blocks are invisible and expire on their own: a failure above leaves nothing. A
        // committed staging blob left by a crash below is removed by the media sweep once it is older than any store takes.
        await staging.CommitBlockListAsync(blockIds, new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = format.ContentType } }, cancellationToken);
        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        var name = $"{scope}/{hash}.{format.Extension}";
        try
        {
            if (reference is not null)
            {
                await reference(name, cancellationToken);
            }

            var target = container.GetBlobClient(name);
            try
            {
                // Already stored (by another post, or a duplicate delivery): touch it instead. The new ETag makes a sweep
                // that judged it unused before our reference existed fail its ETag-conditional delete.
                await target.SetMetadataAsync(Tracked, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                try
                {
                    var copy = await target.StartCopyFromUriAsync(staging.Uri, new BlobCopyFromUriOptions
                    {
                        Metadata = Tracked,
                        DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    }, cancellationToken);
                    await copy.WaitForCompletionAsync(cancellationToken);
                }
                catch (RequestFailedException conflict) when (conflict.Status is 409 or 412)
                {
                    // A duplicate delivery stored the same bytes under the same name first.
                }
            }
        }
        finally
        {
            await staging.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }

        return new StoredMedia(name, hash, total, format);
    }

    /// <summary>Hosted-only media stays where it is: HEAD it, and if the source will not answer HEAD, GET its first bytes.</summary>
    /// <exception cref="MediaFailureException">Refused or gone.</exception>
    public async Task CheckReachableAsync(Uri source, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.FetchTimeout);
        try
        {
            using (var head = await http.SendAsync(HttpMethod.Head, source, range: null, deadline.Token))
            {
                if (head.IsSuccessStatusCode)
                {
                    return;
                }
            }

            using var get = await http.SendAsync(HttpMethod.Get, source, FirstBytes, deadline.Token);
            MediaHttp.EnsureAvailable(get, source);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"checking {MediaHttp.Describe(source)} took longer than {options.Value.FetchTimeout}", e);
        }
    }

    private static MediaFormat CheckType(ReadOnlySpan<byte> head, MediaType type)
    {
        var expected = type == MediaType.Video ? "an MP4, MOV, M4V or AVI video" : "a JPEG or PNG image";
        var format = MediaFormat.Detect(head) ?? throw new MediaFailureException(MediaFailureReason.TypeInvalid, $"the file is not {expected}");
        return format.IsVideo == (type == MediaType.Video)
            ? format
            : throw new MediaFailureException(MediaFailureReason.TypeInvalid, $"the file is {format.ContentType}, not {expected}");
    }

    private static MediaFailureException TooLarge(long limit, string why) =>
        new(MediaFailureReason.TooLarge, $"the file exceeds the limit of {limit} bytes ({why})");

    /// <summary>Reads until <paramref name="buffer"/> is full or the body ends: blocks are full-size except the last.</summary>
    private static async Task<int> FillAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < BlockBytes)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled, BlockBytes - filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
