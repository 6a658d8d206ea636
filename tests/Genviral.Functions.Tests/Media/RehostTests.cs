using System.Net;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;

namespace Genviral.Functions.Tests.Media;

/// <summary>BYO posts: media copied into the media container, byte for byte, and shown as read-only SAS URLs.</summary>
public sealed class RehostTests(SharedMediaFactory factory) : MediaTestBase(factory)
{
    [Fact]
    public async Task Video_SpanningSeveralBlocks_IsStoredByteForByteAndIndexedByItsHash()
    {
        var bytes = Mp4(9 * 1024 * 1024 + 123);
        var url = Source.Serve(bytes, "video/mp4", extension: ".mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        var outcome = await ProcessAsync(tenant, created.Post);

        Assert.Equal(MediaOutcome.Ready, outcome);
        var post = (await ReadAsync(tenant, created.Post.Id)).Post;
        Assert.True(post.MediaState.Ready);
        Assert.Equal(PostStatus.Pending, post.Status);
        var expectedName = await IndexedBlobAsync(tenant.Scope.PartitionKey, bytes);
        Assert.NotNull(expectedName);
        Assert.StartsWith(tenant.Scope.PartitionKey + "/", expectedName, StringComparison.Ordinal);
        Assert.EndsWith(".mp4", expectedName, StringComparison.Ordinal);
        Assert.Equal([expectedName], post.MediaState.Blobs);
        var blob = Assert.Single(await BlobsAsync(tenant));
        Assert.Equal(expectedName, blob.Name);
        var properties = await Factory.Storage.Container(StorageNames.MediaContainer).GetBlobClient(expectedName).GetPropertiesAsync(cancellationToken: Ct);
        Assert.Equal("video/mp4", properties.Value.ContentType);
        Assert.Equal(bytes.Length, properties.Value.ContentLength);

        var shown = Assert.Single(await ShownMediaUrlsAsync(tenant, post.Id));
        Assert.Contains(expectedName, shown, StringComparison.Ordinal);
        Assert.Contains("sp=r", shown, StringComparison.Ordinal);
        Assert.Equal(bytes, await DownloadAsync(shown));
    }

    [Fact]
    public async Task ShownUrl_WithoutItsSignature_IsRefused()
    {
        var url = Source.Serve(Mp4(2048), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));
        var shown = Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id));

        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(shown).GetLeftPart(UriPartial.Path), Ct);

        // The container is private: only the signed URL reads the blob.
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, response.StatusCode.ToString());
    }

    [Fact]
    public async Task Slideshow_KeepsOrderAndStoresTheSameImageOnce()
    {
        var first = Jpeg(300 * 1024);
        var second = Png(200 * 1024);
        var urls = new[] { Source.Serve(first, "image/jpeg"), Source.Serve(second, "image/png"), Source.Serve(first, "image/jpeg", declareLength: false) };
        var (tenant, created) = await CreatePostAsync(MediaType.Slideshow, urls);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));

        var scope = tenant.Scope.PartitionKey;
        var post = (await ReadAsync(tenant, created.Post.Id)).Post;
        var firstName = (await IndexedBlobAsync(scope, first))!;
        var secondName = (await IndexedBlobAsync(scope, second))!;
        Assert.EndsWith(".jpg", firstName, StringComparison.Ordinal);
        Assert.EndsWith(".png", secondName, StringComparison.Ordinal);
        Assert.Equal([firstName, secondName, firstName], post.MediaState.Blobs);
        var blobs = await BlobsAsync(tenant);
        Assert.Equal(2, blobs.Count);
        Assert.Equal("image/png", blobs.Single(b => b.Name.EndsWith(".png", StringComparison.Ordinal)).Properties.ContentType);
        var shown = await ShownMediaUrlsAsync(tenant, post.Id);
        Assert.Equal(3, shown.Count);
        Assert.Equal(first, await DownloadAsync(shown[0]));
        Assert.Equal(second, await DownloadAsync(shown[1]));
        Assert.Equal(first, await DownloadAsync(shown[2]));
    }

    [Fact]
    public async Task SameFileInTwoPosts_IsStoredOnce()
    {
        var bytes = Mp4(64 * 1024, seed: 7);
        var (tenant, one) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        var content = new PostContent("again", new PostMedia(MediaType.Video, [Source.Serve(bytes, "video/mp4")]),
            [.. one.Post.States.Select(PostTarget.From)], null, PostStatus.Pending, null);
        var two = (await PostService.CreateAsync(tenant.Scope, content, null, null, Ct)).Post!;

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, one.Post));
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, two.Post));

        Assert.Single(await BlobsAsync(tenant));
        Assert.Equal((await ReadAsync(tenant, one.Post.Id)).Post.MediaState.Blobs, (await ReadAsync(tenant, two.Post.Id)).Post.MediaState.Blobs);
    }

    [Fact]
    public async Task SameFileTwiceAtOnce_IsKeptOnce()
    {
        var bytes = Mp4(6 * 1024 * 1024, seed: 11);
        var (tenant, one) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        var content = new PostContent("again", new PostMedia(MediaType.Video, [Source.Serve(bytes, "video/mp4")]),
            [.. one.Post.States.Select(PostTarget.From)], null, PostStatus.Pending, null);
        var two = (await PostService.CreateAsync(tenant.Scope, content, null, null, Ct)).Post!;

        var outcomes = await Task.WhenAll(ProcessAsync(tenant, one.Post), ProcessAsync(tenant, two.Post));

        Assert.All(outcomes, o => Assert.Equal(MediaOutcome.Ready, o));
        var kept = Assert.Single(await BlobsAsync(tenant)).Name;
        Assert.Equal(kept, await IndexedBlobAsync(tenant.Scope.PartitionKey, bytes));
        Assert.Equal([kept], (await ReadAsync(tenant, one.Post.Id)).Post.MediaState.Blobs);
        Assert.Equal([kept], (await ReadAsync(tenant, two.Post.Id)).Post.MediaState.Blobs);
    }

    [Fact]
    public async Task IndexedBlobGone_SameFileAgain_StoredAnewAndIndexed()
    {
        var bytes = Mp4(32 * 1024, seed: 13);
        var (tenant, one) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, one.Post));
        var gone = await IndexedBlobAsync(tenant.Scope.PartitionKey, bytes);
        await Factory.Storage.Container(StorageNames.MediaContainer).GetBlobClient(gone).DeleteAsync(cancellationToken: Ct);
        var content = new PostContent("again", new PostMedia(MediaType.Video, [Source.Serve(bytes, "video/mp4")]),
            [.. one.Post.States.Select(PostTarget.From)], null, PostStatus.Pending, null);
        var two = (await PostService.CreateAsync(tenant.Scope, content, null, null, Ct)).Post!;

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, two.Post));

        var kept = Assert.Single(await BlobsAsync(tenant)).Name;
        Assert.NotEqual(gone, kept);
        Assert.Equal(kept, await IndexedBlobAsync(tenant.Scope.PartitionKey, bytes));
        Assert.Equal([kept], (await ReadAsync(tenant, two.Post.Id)).Post.MediaState.Blobs);
    }

    [Fact]
    public async Task Redirects_UpToThree_AreFollowed()
    {
        var bytes = Mp4(4096, seed: 9);
        var url = Source.Redirect(Source.Redirect(Source.Redirect(Source.Serve(bytes, "video/mp4"))));
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));

        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task Redirects_MoreThanThree_FailThePost()
    {
        var target = Source.Serve(Mp4(4096), "video/mp4");
        var url = Source.Redirect(Source.Redirect(Source.Redirect(Source.Redirect(target))));
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
        Assert.Empty(Source.Requests(target));
    }

    [Fact]
    public async Task BeforeItIsReady_ThePostShowsTheCallersUrls()
    {
        var url = Source.Serve(Mp4(2048), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal([url], await ShownMediaUrlsAsync(tenant, created.Post.Id));
        Assert.Empty(await BlobsAsync(tenant));
    }
}
