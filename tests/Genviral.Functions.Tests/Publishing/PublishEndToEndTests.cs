using System.Net;
using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;

namespace Genviral.Functions.Tests.Publishing;

/// <summary>From POST /posts to posted, for each platform, through the real connectors and the simulator over HTTP.</summary>
public sealed class PublishEndToEndTests(PublishingFactory factory) : PublishingTestBase(factory), IClassFixture<PublishingFactory>
{
    [Fact]
    public async Task TikTokVideo_Dispatched_PostedWithUrlAndMediaPulledFromUrl()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));

        await TickAsync();
        var token = await TokenOfAsync(tenant, account);

        var post = await GetPostAsync(client, id);
        Assert.True(post.GetProperty("status").GetString() == "posted", post.ToString());
        var state = State(post, account.Id);
        Assert.Equal("posted", state.GetProperty("status").GetString());
        Assert.Equal(1, state.GetProperty("attempts").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, state.GetProperty("published_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, state.GetProperty("last_attempted_at").ValueKind);
        var published = Assert.Single(PublishedWith(caption));
        Assert.Equal($"https://www.tiktok.com/@{account.Username}/video/{published.Id}", state.GetProperty("published_url").GetString());
        Assert.Equal(300_000, published.MediaBytes);
        var stored = await Store.GetAsync(tenant.Scope, id, Ct);
        Assert.Equal(published.Id, stored!.Post.States[0].PlatformPostId);
        var init = Assert.Single(Sim.Requests, r => r.PathAndQuery == "/v2/post/publish/video/init/" && r.Body.Contains(caption, StringComparison.Ordinal));
        Assert.Equal("POST", init.Method);
        Assert.Equal("Bearer " + token, init.Authorization);
        Assert.StartsWith("application/json", init.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(init.Body);
        Assert.Equal("PULL_FROM_URL", body.RootElement.GetProperty("source_info").GetProperty("source").GetString());
        Assert.Equal(Factory.MediaUrl("clip.mp4", 300_000), body.RootElement.GetProperty("source_info").GetProperty("video_url").GetString());
        Assert.Equal(caption, body.RootElement.GetProperty("post_info").GetProperty("title").GetString());
        Assert.Contains(Sim.Requests, r => r.PathAndQuery == "/v2/post/publish/status/fetch/" && r.Authorization == "Bearer " + token);
    }

    [Fact]
    public async Task TikTokSlideshow_Dispatched_PhotoPostWithEveryImage()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Slideshow(caption, 3, account.Id));

        await TickAsync();

        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("posted", state.GetProperty("status").GetString());
        var published = Assert.Single(PublishedWith(caption));
        Assert.Equal("photo", published.Kind);
        Assert.Equal(3, published.MediaUrls.Count);
        Assert.Equal(50_001 + 50_002 + 50_003, published.MediaBytes);
        Assert.Contains("/photo/", state.GetProperty("published_url").GetString(), StringComparison.Ordinal);
        var init = Assert.Single(Sim.Requests, r => r.PathAndQuery == "/v2/post/publish/content/init/" && r.Body.Contains(caption, StringComparison.Ordinal));
        using var body = JsonDocument.Parse(init.Body);
        Assert.Equal("PHOTO", body.RootElement.GetProperty("media_type").GetString());
        Assert.Equal("DIRECT_POST", body.RootElement.GetProperty("post_mode").GetString());
        Assert.Equal(3, body.RootElement.GetProperty("source_info").GetProperty("photo_images").GetArrayLength());
    }

    [Fact]
    public async Task InstagramVideo_Dispatched_ReelContainerPolledPublishedWithPermalink()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Instagram);
        var userId = (await Factory.Accounts.GetCredentialsAsync(tenant.Scope, account.Id, Ct))!.PlatformUserId;
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));

        await TickAsync();
        var token = await TokenOfAsync(tenant, account);

        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("posted", state.GetProperty("status").GetString());
        var published = Assert.Single(PublishedWith(caption));
        Assert.Equal("reel", published.Kind);
        Assert.Equal(300_000, published.MediaBytes);
        Assert.Equal($"https://www.instagram.com/reel/{published.Id}/", state.GetProperty("published_url").GetString());
        var create = Assert.Single(Sim.Requests, r => r.PathAndQuery == $"/v21.0/{userId}/media" && r.Body.Contains("REELS", StringComparison.Ordinal));
        Assert.Equal("Bearer " + token, create.Authorization);
        Assert.Equal("application/x-www-form-urlencoded", create.ContentType);
        Assert.Contains("video_url=", create.Body, StringComparison.Ordinal);
        Assert.Contains(Sim.Requests, r => r.Method == "GET" && r.PathAndQuery.Contains("fields=status_code", StringComparison.Ordinal));
        Assert.Contains(Sim.Requests, r => r.PathAndQuery == $"/v21.0/{userId}/media_publish");
        Assert.Contains(Sim.Requests, r => r.PathAndQuery == $"/v21.0/{published.Id}?fields=permalink");
    }

    [Fact]
    public async Task InstagramSlideshow_Dispatched_CarouselOfItemContainers()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Instagram);
        var userId = (await Factory.Accounts.GetCredentialsAsync(tenant.Scope, account.Id, Ct))!.PlatformUserId;
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Slideshow(caption, 3, account.Id));

        await TickAsync();

        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("posted", state.GetProperty("status").GetString());
        var published = Assert.Single(PublishedWith(caption));
        Assert.Equal("carousel", published.Kind);
        Assert.Equal(3, published.MediaUrls.Count);
        Assert.Equal(3, Sim.Requests.Count(r => r.PathAndQuery == $"/v21.0/{userId}/media" && r.Body.Contains("is_carousel_item=true", StringComparison.Ordinal)));
        Assert.Single(Sim.Requests, r => r.PathAndQuery == $"/v21.0/{userId}/media" && r.Body.Contains("media_type=CAROUSEL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task YouTubeVideo_Dispatched_ResumableUploadStreamsEveryByte()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Youtube);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption + "\nsecond line", account.Id));

        await TickAsync();
        var token = await TokenOfAsync(tenant, account);

        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("posted", state.GetProperty("status").GetString());
        var published = Assert.Single(PublishedWith(caption));
        Assert.Equal(300_000, published.MediaBytes);
        Assert.Equal($"https://www.youtube.com/watch?v={published.Id}", state.GetProperty("published_url").GetString());
        var start = Assert.Single(Sim.Requests, r => r.Method == "POST" && r.PathAndQuery == "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status" && r.Body.Contains(caption, StringComparison.Ordinal));
        Assert.Equal("Bearer " + token, start.Authorization);
        Assert.Equal("300000", start.Headers["X-Upload-Content-Length"]);
        Assert.Equal("video/mp4", start.Headers["X-Upload-Content-Type"]);
        using var body = JsonDocument.Parse(start.Body);
        Assert.Equal(caption, body.RootElement.GetProperty("snippet").GetProperty("title").GetString());
        Assert.Equal("public", body.RootElement.GetProperty("status").GetProperty("privacyStatus").GetString());
        Assert.Contains(Sim.Requests, r => r.Method == "PUT" && r.Body == "<300000 bytes>" && r.Authorization == "Bearer " + token);
    }

    [Fact]
    public async Task HostedAccount_Dispatched_UsesTheServiceCredentials()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await Factory.AddAccountAsync(tenant, Platform.Tiktok, AccountType.Hosted);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));

        await TickAsync();

        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        var init = Assert.Single(Sim.Requests, r => r.Body.Contains(caption, StringComparison.Ordinal));
        Assert.Equal("Bearer hosted-tiktok-token", init.Authorization);
    }

    [Fact]
    public async Task TwoPlatforms_OneFailsPermanently_PartialWithThePlatformMessage()
    {
        var tenant = await Factory.CreateTenantAsync();
        var tiktok = await AddByoAsync(tenant, Platform.Tiktok);
        var instagram = await AddByoAsync(tenant, Platform.Instagram);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, tiktok.Id, instagram.Id));
        await FailNextAsync("instagram", await TokenOfAsync(tenant, instagram), 400, message: "The video aspect ratio is not supported");

        await TickAsync();

        var post = await GetPostAsync(client, id);
        Assert.Equal("partial", post.GetProperty("status").GetString());
        Assert.Equal("posted", State(post, tiktok.Id).GetProperty("status").GetString());
        var failed = State(post, instagram.Id);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("The video aspect ratio is not supported", failed.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, failed.GetProperty("attempts").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, failed.GetProperty("last_attempted_at").ValueKind);
        var summary = (await ListAsync(client)).GetProperty("summary");
        Assert.Equal(1, summary.GetProperty("published").GetInt32());
        Assert.Equal(1, summary.GetProperty("by_status").GetProperty("partial").GetInt32());
    }

    [Fact]
    public async Task PatchToSlideshow_YouTubeTarget_Returns400AndLeavesThePost()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Youtube);
        using var client = Factory.CreateClient(tenant.Token);
        var id = await CreateAsync(client, Video(Caption(), account.Id));
        var slideshow = Slideshow("x", 2, account.Id);

        using var response = await PatchJsonAsync(client, id, new System.Text.Json.Nodes.JsonObject { ["media"] = slideshow["media"]!.DeepClone() });

        var root = await Infrastructure.EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("YouTube", root.GetProperty("message").GetString(), StringComparison.Ordinal);
        var stored = await Store.GetAsync(tenant.Scope, id, Ct);
        Assert.Equal(MediaType.Video, stored!.Post.Media.Type);
    }
}
