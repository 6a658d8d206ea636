using Genviral.Core.Media;
using Genviral.Core.Posts;

namespace Genviral.Functions.Tests.Media;

/// <summary>Size limits counted on the bytes, and types told by their first bytes, whatever the headers claim.</summary>
public sealed class LimitsTests(SharedMediaFactory factory) : MediaTestBase(factory)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ImageOverTheLimit_FailsThePost(bool declareLength)
    {
        var url = Source.Serve(Jpeg((int)MediaFactory.MaxImageBytes + 1), "image/jpeg", declareLength);
        var (tenant, created) = await CreatePostAsync(MediaType.Slideshow, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_too_large");
    }

    [Fact]
    public async Task VideoOverTheLimit_WithoutContentLength_FailsAfterSeveralBlocks()
    {
        var url = Source.Serve(Mp4((int)MediaFactory.MaxVideoBytes + 10), "video/mp4", declareLength: false);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_too_large");
    }

    [Fact]
    public async Task ImageExactlyAtTheLimit_IsAccepted()
    {
        var bytes = Png((int)MediaFactory.MaxImageBytes);
        var (tenant, created) = await CreatePostAsync(MediaType.Slideshow, [Source.Serve(bytes, "image/png", declareLength: false)]);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));

        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task LyingContentLength_CannotSmuggleALargerBody()
    {
        // Content-Length says 100 bytes, but the body is chunked (which wins) and twice the limit.
        Source.LiarBody = Png((int)MediaFactory.MaxImageBytes * 2);
        var (tenant, created) = await CreatePostAsync(MediaType.Slideshow, [$"http://127.0.0.1:{Source.LiarPort}/small.png"]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_too_large");
    }

    [Theory]
    [InlineData("video")]
    [InlineData("text")]
    [InlineData("empty")]
    public async Task Video_WithOtherBytes_FailsAsTypeInvalid(string served)
    {
        var bytes = served switch
        {
            "video" => Png(4096),
            "text" => "<html>not a video</html>"u8.ToArray(),
            _ => [],
        };
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4", extension: ".mp4")]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_type_invalid");
    }

    [Fact]
    public async Task SlideshowImage_ThatIsAVideo_FailsAsTypeInvalid()
    {
        var urls = new[] { Source.Serve(Jpeg(1024), "image/jpeg"), Source.Serve(Mp4(1024), "image/jpeg") };
        var (tenant, created) = await CreatePostAsync(MediaType.Slideshow, urls);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        // The first image was stored before the second failed; the post refers to neither, and the blob is only
        // content-addressed bytes that a later post may share, so it is left for the retention clean-up.
        var post = (await ReadAsync(tenant, created.Post.Id)).Post;
        Assert.Equal(PostStatus.Failed, post.Status);
        Assert.StartsWith("media_type_invalid: ", post.States[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Null(post.MediaState.Blobs);
        Assert.EndsWith(".jpg", Assert.Single(await BlobsAsync(tenant)).Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RIFF\0\0\0\0AVI LIST", "avi", "video/x-msvideo")]
    [InlineData("\0\0\0\u0014ftypqt  \0\0", "mov", "video/quicktime")]
    [InlineData("\0\0\0\u001cftypM4V \0\0", "m4v", "video/x-m4v")]
    public async Task OtherVideoTypes_GetTheirExtensionAndContentType(string header, string extension, string contentType)
    {
        var bytes = new byte[8192];
        System.Text.Encoding.Latin1.GetBytes(header).CopyTo(bytes, 0);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "application/octet-stream")]);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));

        var blob = Assert.Single(await BlobsAsync(tenant));
        Assert.EndsWith("." + extension, blob.Name, StringComparison.Ordinal);
        Assert.Equal(contentType, blob.Properties.ContentType);
    }
}
