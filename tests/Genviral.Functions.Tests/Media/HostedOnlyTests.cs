using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Microsoft.AspNetCore.Http;

namespace Genviral.Functions.Tests.Media;

/// <summary>Posts that target hosted accounts only keep the caller's URLs once they answer a HEAD (or ranged GET).</summary>
public sealed class HostedOnlyTests(SharedMediaFactory factory) : MediaTestBase(factory)
{
    [Fact]
    public async Task ReachableUrl_IsCheckedWithHead_AndKept()
    {
        var url = Source.Serve(Mp4(50_000), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url], AccountType.Hosted);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));

        Assert.Equal([("HEAD", (string?)null)], Source.Requests(url));
        var post = (await ReadAsync(tenant, created.Post.Id)).Post;
        Assert.True(post.MediaState.Ready);
        Assert.Null(post.MediaState.Blobs);
        Assert.Empty(await BlobsAsync(tenant));
        Assert.Equal([url], await ShownMediaUrlsAsync(tenant, post.Id));
    }

    [Fact]
    public async Task SourceRefusingHead_IsCheckedWithARangedGet()
    {
        var url = Source.Route(async context =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }

            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            await context.Response.Body.WriteAsync(new byte[12]);
        });
        var (tenant, created) = await CreatePostAsync(MediaType.Slideshow, [url], AccountType.Hosted);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));

        Assert.Equal([("HEAD", null), ("GET", "bytes=0-11")], Source.Requests(url));
    }

    [Fact]
    public async Task MissingUrl_FailsThePost()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Status(404)], AccountType.Hosted);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
    }

    [Fact]
    public async Task PrivateAddress_IsRefusedForTheCheckToo()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, ["http://169.254.169.254/latest/meta-data/"], AccountType.Hosted);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
        Assert.Contains("not a public address", (await ReadAsync(tenant, created.Post.Id)).Post.States[0].ErrorMessage, StringComparison.Ordinal);
    }
}
