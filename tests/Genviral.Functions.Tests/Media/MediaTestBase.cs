using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Media;

/// <summary>Posts with media on the local source, the pipeline called directly, and what storage holds afterwards.</summary>
public abstract class MediaTestBase(MediaFactory factory)
{
    protected MediaFactory Factory { get; } = factory;

    protected MediaSource Source => Factory.Source;

    internal PostStore Posts => Factory.Services.GetRequiredService<PostStore>();

    internal PostService PostService => Factory.Services.GetRequiredService<PostService>();

    internal MediaPipeline Pipeline => Factory.Services.GetRequiredService<MediaPipeline>();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An MP4 file: a real <c>ftyp</c> box, then deterministic noise.</summary>
    protected static byte[] Mp4(int length, int seed = 1) => WithHeader([0x00, 0x00, 0x00, 0x18, .. "ftypisom"u8, 0x00, 0x00, 0x02, 0x00], length, seed);

    protected static byte[] Jpeg(int length, int seed = 2) => WithHeader([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8], length, seed);

    protected static byte[] Png(int length, int seed = 3) => WithHeader([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D], length, seed);

    /// <summary>A tenant and a post (written as the API would, queue message included) targeting one BYO or hosted account.</summary>
    internal async Task<(Tenant Tenant, StoredPost Post)> CreatePostAsync(MediaType type, IReadOnlyList<string> urls, AccountType target = AccountType.Byo)
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await Factory.AddAccountAsync(tenant, Platform.Tiktok, target);
        var content = new PostContent("Media test", new PostMedia(type, urls), [PostTarget.From(account)], null, PostStatus.Pending, null);
        var created = await PostService.CreateAsync(tenant.Scope, content, null, null, Ct);
        return (tenant, created.Post!);
    }

    internal static MediaWorkMessage MessageFor(Tenant tenant, Post post) => new(tenant.Scope.PartitionKey, post.Id, post.MediaState.Version);

    /// <summary>
    /// Handles the post's media message, put long ago unless <paramref name="insertedOn"/> says otherwise;
    /// <paramref name="messageId"/> tells copies of it apart (a redelivery keeps its id).
    /// </summary>
    internal Task<MediaOutcome> ProcessAsync(Tenant tenant, Post post, bool isLastAttempt = false, string messageId = "message-1", DateTimeOffset insertedOn = default) =>
        Pipeline.ProcessAsync(MessageFor(tenant, post), new QueueDelivery(messageId, insertedOn, isLastAttempt), Ct);

    internal async Task<StoredPost> ReadAsync(Tenant tenant, string postId) => (await Posts.GetAsync(tenant.Scope, postId, Ct))!;

    /// <summary>Every committed blob of the scope.</summary>
    internal async Task<List<BlobItem>> BlobsAsync(Tenant tenant)
    {
        var container = Factory.Storage.Container(StorageNames.MediaContainer);
        var blobs = new List<BlobItem>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, tenant.Scope.PartitionKey + "/", Ct))
        {
            blobs.Add(blob);
        }

        return blobs;
    }

    /// <summary>The blob the media index names for these bytes in the scope, or null.</summary>
    internal async Task<string?> IndexedBlobAsync(string scope, byte[] bytes)
    {
        var row = await Factory.Storage.Table(StorageNames.MediaIndexTable).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(scope, Sha256(bytes), cancellationToken: Ct);
        return row.HasValue ? row.Value!.GetString("BlobName") : null;
    }

    /// <summary>The post failed as a whole, every state with an error_message starting with <paramref name="code"/>, and no blob was kept.</summary>
    internal async Task AssertFailedAsync(Tenant tenant, string postId, string code)
    {
        var post = (await ReadAsync(tenant, postId)).Post;
        Assert.Equal(PostStatus.Failed, post.Status);
        Assert.True(post.MediaState.Failed);
        Assert.False(post.MediaState.Ready);
        Assert.All(post.States, s =>
        {
            Assert.Equal(PostStatus.Failed, s.Status);
            Assert.StartsWith(code + ": ", s.ErrorMessage, StringComparison.Ordinal);
        });
        Assert.Empty(await BlobsAsync(tenant));
    }

    /// <summary>GET /posts/{id} as the partner sees it: the media URLs it shows.</summary>
    internal async Task<IReadOnlyList<string>> ShownMediaUrlsAsync(Tenant tenant, string postId)
    {
        using var client = Factory.CreateClient(tenant.Token);
        using var response = await client.GetAsync($"/api/partner/v1/posts/{postId}", Ct);
        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Post retrieved");
        var media = data.GetProperty("media");
        return media.GetProperty("type").GetString() == "video"
            ? [media.GetProperty("url").GetString()!]
            : [.. media.GetProperty("urls").EnumerateArray().Select(u => u.GetString()!)];
    }

    protected static async Task<byte[]> DownloadAsync(string url)
    {
        using var client = new HttpClient();
        return await client.GetByteArrayAsync(url, Ct);
    }

    protected static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    protected static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static byte[] WithHeader(byte[] header, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        header.CopyTo(bytes, 0);
        return bytes;
    }
}
