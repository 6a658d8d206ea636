using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Media;

/// <summary>One re-hosted file: its blob name in the media container (shared by every copy of the same bytes in the scope), and what it is.</summary>
public sealed record StoredMedia(string BlobName, string Sha256, long Length, MediaFormat Format);

/// <summary>
/// Copies media from a caller's URL into the media container, and checks hosted-only media is reachable. Public so
/// that a benchmark can re-host a file directly, without a post or a queue.
/// </summary>
public sealed class MediaRehoster(StorageClients storage, MediaHttp http, IOptions<MediaOptions> options)
{
    private const string BlobNameColumn = "BlobName";

    /// <summary>Size of each staged block.</summary>
    public const int BlockBytes = 4 * 1024 * 1024;

    /// <summary>Blocks uploading at once while the next one is read: with their buffers, all the memory a copy takes (16 MB).</summary>
    public const int BlocksInFlight = 4;

    /// <summary>Where earlier versions assembled a file before copying it to its name; the media sweep removes what a crash left there.</summary>
    public const string StagingPrefix = "staging/";

    /// <summary>
    /// Metadata of every content blob stored since blobs are reference-counted: the media sweep only ever removes
    /// blobs that carry it (and so have reference rows), never one stored before.
    /// </summary>
    public const string TrackedMetadata = "referenced";

    private static readonly Dictionary<string, string> Tracked = new(StringComparer.Ordinal) { [TrackedMetadata] = "true" };

    private static readonly RangeHeaderValue FirstBytes = new(0, MediaFormat.SignatureLength - 1);

    /// <summary>
    /// Streams <paramref name="source"/> into the scope's media: a file already stored under the scope (same SHA-256)
    /// is kept once. <paramref name="reference"/> is told the blob name once it is known, before the blob is used, so
    /// that the media sweep sees the use (see <see cref="MediaSweeper"/>).
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
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            // A chunked body's length is unknown whatever Content-Length says (chunked wins): it is counted as it arrives.
            var length = response.Headers.TransferEncodingChunked == true ? null : response.Content.Headers.ContentLength;
            return await StoreAsync(scope, body, length, limit, type, reference, deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Slow is transient: the queue tries again, and the last attempt fails the post.
            throw new TimeoutException($"fetching {MediaHttp.Describe(source)} took longer than {options.Value.FetchTimeout}", e);
        }
    }

    /// <summary>
    /// Stores <paramref name="body"/> as <c>{scope}/{id}.{ext}</c>, writing each byte once, straight into that blob: in
    /// one request when its length is known, else in blocks. The type is checked on the first bytes and the size limit on
    /// the declared length and on the bytes themselves. Once stored, the file's SHA-256 is claimed in the media index: if
    /// the scope already holds those bytes, that blob is kept and this one deleted.
    /// </summary>
    public Task<StoredMedia> StoreAsync(
        string scope, Stream body, long limit, MediaType type, Func<string, CancellationToken, Task>? reference, CancellationToken cancellationToken) =>
        StoreAsync(scope, body, body.CanSeek ? body.Length - body.Position : null, limit, type, reference, cancellationToken);

    /// <param name="length">The length the source declared, if it did: then the file goes up in one request (<see cref="PutAsync"/>).</param>
    private async Task<StoredMedia> StoreAsync(
        string scope, Stream body, long? length, long limit, MediaType type, Func<string, CancellationToken, Task>? reference, CancellationToken cancellationToken)
    {
        if (length is { } declared && declared > limit)
        {
            throw TooLarge(limit, $"it declares {declared} bytes");
        }

        var stored = length is { } known and > 0 ? await PutAsync(scope, body, known, type, cancellationToken) : await StageAsync(scope, body, limit, type, cancellationToken);
        return stored with { BlobName = await IndexAsync(scope, stored.Sha256, stored.BlobName, reference, cancellationToken) };
    }

    /// <summary>
    /// A file of known length, streamed into its blob in one Put Blob request: no block list, no buffer beyond the
    /// SDK's copy buffer, and a failure stores nothing (Put Blob is atomic). Its first bytes are read first, for the type
    /// check and the blob's extension; the rest is hashed on its way through (<see cref="HashingStream"/>).
    /// </summary>
    private async Task<StoredMedia> PutAsync(string scope, Stream body, long length, MediaType type, CancellationToken cancellationToken)
    {
        var head = new byte[(int)Math.Min(MediaFormat.SignatureLength, length)];
        var got = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (got == 0)
        {
            throw new MediaFailureException(MediaFailureReason.TypeInvalid, "the file is empty");
        }

        var format = CheckType(head.AsSpan(0, got), type);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var blob = storage.Container(StorageNames.MediaContainer).GetBlockBlobClient(NewBlobName(scope, format));
        await using (var content = new HashingStream(head, got, body, length, sha))
        {
            await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = format.ContentType }, Metadata = Tracked }, cancellationToken);
            // HttpClient throws on a body shorter than declared; this also refuses one that goes on, so no blob is ever cut short.
            if (!content.Complete || await body.ReadAsync(new byte[1], cancellationToken) != 0)
            {
                await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
                throw new MediaFailureException(MediaFailureReason.Unreachable, $"the file does not have the {length} bytes its source declared");
            }
        }

        return new StoredMedia(blob.Name, Convert.ToHexStringLower(sha.GetHashAndReset()), length, format);
    }

    /// <summary>
    /// A file of unknown length (a chunked response): staged into its blob in blocks of <see cref="BlockBytes"/>, up to
    /// <see cref="BlocksInFlight"/> uploading while the next is read and hashed, then committed.
    /// </summary>
    private async Task<StoredMedia> StageAsync(string scope, Stream body, long limit, MediaType type, CancellationToken cancellationToken)
    {
        var container = storage.Container(StorageNames.MediaContainer);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rented = new List<byte[]>(BlocksInFlight + 1);
        var inFlight = new Queue<(Task Staged, byte[] Buffer)>(BlocksInFlight);
        var blockIds = new List<string>();
        BlockBlobClient? blob = null;
        MediaFormat? format = null;
        long total = 0;
        try
        {
            for (var i = 0; ; i++)
            {
                byte[] buffer;
                if (inFlight.Count == BlocksInFlight)
                {
                    // The oldest block's buffer is reused once it is stored; its failure ends the copy here.
                    var (staged, free) = inFlight.Dequeue();
                    await staged;
                    buffer = free;
                }
                else
                {
                    buffer = ArrayPool<byte>.Shared.Rent(BlockBytes);
                    rented.Add(buffer);
                }

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

                if (format is null)
                {
                    format = CheckType(buffer.AsSpan(0, read), type);
                    blob = container.GetBlockBlobClient(NewBlobName(scope, format));
                }

                sha.AppendData(buffer, 0, read);
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(i.ToString("D6", CultureInfo.InvariantCulture)));
                blockIds.Add(id);
                inFlight.Enqueue((blob!.StageBlockAsync(id, new MemoryStream(buffer, 0, read, writable: false), cancellationToken: cancellationToken), buffer));
            }

            await Task.WhenAll(inFlight.Select(f => f.Staged));
        }
        finally
        {
            // Blocks may still be uploading from pooled buffers; they must be done before the buffers go back.
            await Task.WhenAny(Task.WhenAll(inFlight.Select(f => f.Staged)));
            rented.ForEach(b => ArrayPool<byte>.Shared.Return(b));
        }

        if (format is null)
        {
            throw new MediaFailureException(MediaFailureReason.TypeInvalid, "the file is empty");
        }

        // Until committed, the staged blocks are invisible and expire on their own: a failure above leaves nothing.
        await blob!.CommitBlockListAsync(
            blockIds, new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentType = format.ContentType }, Metadata = Tracked }, cancellationToken);
        return new StoredMedia(blob.Name, Convert.ToHexStringLower(sha.GetHashAndReset()), total, format);
    }

    // Not content-addressed: the hash is known only at the end, and a blob cannot be renamed without a second write.
    private static string NewBlobName(string scope, MediaFormat format) => $"{scope}/{Guid.CreateVersion7():N}.{format.Extension}";

    /// <summary>
    /// Claims <paramref name="hash"/> for the blob just stored, or returns the blob that already holds those bytes (and
    /// deletes the new one). Either way the post's reference row is written before the blob is used. A kept blob is
    /// touched after its reference: a sweep that judged it unused before then fails its ETag-conditional delete, and one
    /// that deleted it first leaves a 404, so the new blob takes the index row over. A crash before the claim leaves a
    /// blob no reference names, which the media sweep removes.
    /// </summary>
    private async Task<string> IndexAsync(
        string scope, string hash, string stored, Func<string, CancellationToken, Task>? reference, CancellationToken cancellationToken)
    {
        var index = storage.Table(StorageNames.MediaIndexTable);
        var row = new TableEntity(scope, hash) { [BlobNameColumn] = stored };
        try
        {
            await index.AddEntityAsync(row, cancellationToken);
            return await UseAsync(stored);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The scope holds these bytes already (or a duplicate delivery got here first).
        }

        var container = storage.Container(StorageNames.MediaContainer);
        var existing = (await index.GetEntityAsync<TableEntity>(scope, hash, cancellationToken: cancellationToken)).Value;
        if (existing.GetString(BlobNameColumn) is { } kept && kept != stored)
        {
            await UseAsync(kept);
            try
            {
                await container.GetBlobClient(kept).SetMetadataAsync(Tracked, cancellationToken: cancellationToken);
                await container.GetBlobClient(stored).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
                return kept;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Swept (or removed by hand) since it was indexed: the new copy takes its place.
            }
        }

        try
        {
            await index.UpdateEntityAsync(row, existing.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Another copy took the row over meanwhile: this blob stays as well, named by its post alone.
        }

        return await UseAsync(stored);

        async Task<string> UseAsync(string name)
        {
            if (reference is not null)
            {
                await reference(name, cancellationToken);
            }

            return name;
        }
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
