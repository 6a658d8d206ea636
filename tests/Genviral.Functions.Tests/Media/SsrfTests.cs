using System.Net;
using System.Net.Http.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Media;

/// <summary>
/// The fetcher reaches public addresses only. The allow-list names 127.0.0.1 with the source's port and nothing else,
/// so each URL below is refused before any connection (and the source never sees the request).
/// </summary>
public sealed class SsrfTests(SharedMediaFactory factory) : MediaTestBase(factory)
{
    public static TheoryData<string> RefusedUrls() =>
    [
        "http://127.0.0.1:9/clip.mp4", // loopback, port not on the allow-list
        "http://10.0.0.1/clip.mp4",
        "http://172.16.5.4/clip.mp4",
        "http://192.168.1.10/clip.mp4",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/clip.mp4",
        "http://0.0.0.0/clip.mp4",
        "http://224.0.0.1/clip.mp4",
        "http://[::1]:9/clip.mp4",
        "http://[::]/clip.mp4",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[fe80::1]/clip.mp4",
        "http://[::ffff:10.0.0.1]/clip.mp4",
    ];

    [Theory]
    [MemberData(nameof(RefusedUrls))]
    public async Task NonPublicAddress_FailsThePostWithoutFetching(string url)
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertRefusedAsync(tenant, created.Post.Id);
    }

    [Theory]
    [InlineData("ftp://example.com/clip.mp4")]
    [InlineData("file:///etc/passwd")]
    public async Task OtherScheme_FailsThePostWithoutFetching(string url)
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
        Assert.Contains("only http and https", (await ReadAsync(tenant, created.Post.Id)).Post.States[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackIPv6_OnTheSourcePort_IsRefused()
    {
        // The allow-list says 127.0.0.1:port; the same port over [::1] is another host:port and stays refused.
        var url = Source.Serve(Mp4(1024), "video/mp4").Replace("127.0.0.1", "[::1]", StringComparison.Ordinal);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertRefusedAsync(tenant, created.Post.Id);
        Assert.Empty(Source.Requests(url));
    }

    [Fact]
    public async Task HostnameResolvingToLoopback_IsRefused()
    {
        var url = Source.Serve(Mp4(1024), "video/mp4").Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
        var post = (await ReadAsync(tenant, created.Post.Id)).Post;
        Assert.Contains("localhost resolves to", post.States[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(Source.Requests(url));
    }

    [Theory]
    [InlineData("http://10.1.2.3/clip.mp4")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://127.0.0.1:9/clip.mp4")]
    public async Task RedirectToPrivateAddress_IsRefused(string target)
    {
        var url = Source.Redirect(target);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertRefusedAsync(tenant, created.Post.Id);
        Assert.Single(Source.Requests(url));
    }

    [Fact]
    public async Task RedirectToHostnameResolvingToLoopback_IsRefused()
    {
        var real = Source.Serve(Mp4(1024), "video/mp4");
        var url = Source.Redirect(real.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertRefusedAsync(tenant, created.Post.Id);
        Assert.Empty(Source.Requests(real));
    }

    [Fact]
    public async Task ErrorMessage_LeavesOutTheQuery()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, ["http://10.0.0.1/clip.mp4?token=secret"]);

        await ProcessAsync(tenant, created.Post);

        var post = (await ReadAsync(tenant, created.Post.Id)).Post;
        Assert.DoesNotContain("secret", post.States[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePost_AllowListedPrivateSource_IsAcceptedAndFetched()
    {
        var url = Source.Serve(Mp4(1024), "video/mp4");
        var (tenant, client, account) = await ClientWithAccountAsync();

        using var response = await client.PostAsJsonAsync("/api/partner/v1/posts", PostBody(account, url), Ct);

        var id = (await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Post created")).GetProperty("id").GetString()!;
        var stored = await ReadAsync(tenant, id);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, stored.Post));
        Assert.Single(Source.Requests(url));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/clip.mp4")]
    [InlineData("http://[::1]:{port}/clip.mp4")]
    [InlineData("http://10.0.0.1:{port}/clip.mp4")]
    public async Task CreatePost_PrivateSourceOffTheAllowList_Returns400(string url)
    {
        var (tenant, client, account) = await ClientWithAccountAsync();

        using var response = await client.PostAsJsonAsync("/api/partner/v1/posts", PostBody(account, url.Replace("{port}", Source.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)), Ct);

        var root = await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("media.url", root.GetProperty("issues")[0].GetProperty("field").GetString());
        Assert.Equal(0, (await Posts.GetSummaryAsync(tenant.Scope, Ct)).Total);
    }

    private async Task<(Tenant Tenant, HttpClient Client, SocialAccount Account)> ClientWithAccountAsync()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await Factory.AddAccountAsync(tenant, Platform.Tiktok, AccountType.Byo);
        return (tenant, Factory.CreateClient(tenant.Token), account);
    }

    private static object PostBody(SocialAccount account, string url) =>
        new { caption = "Allow-list", accounts = new[] { new { id = account.Id } }, media = new { type = "video", url } };

    /// <summary>Failed because the address was refused, not because whatever answered there said no.</summary>
    private async Task AssertRefusedAsync(Tenant tenant, string postId)
    {
        await AssertFailedAsync(tenant, postId, "media_unreachable");
        Assert.Contains("not a public address", (await ReadAsync(tenant, postId)).Post.States[0].ErrorMessage, StringComparison.Ordinal);
    }
}
