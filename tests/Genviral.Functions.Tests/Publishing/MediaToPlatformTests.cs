using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Publishing;

/// <summary>
/// The media pipeline, the publisher and analytics together: platforms get our re-hosted copy (not the caller's URL),
/// YouTube's upload streams it from Blob Storage, and a published post is linked for analytics matching.
/// </summary>
public sealed class MediaToPlatformTests(PublishingFactory factory) : PublishingTestBase(factory), IClassFixture<PublishingFactory>
{
    [Fact]
    public async Task ByoVideo_RehostedThenPublished_PlatformsFetchOurCopyAndThePostIsLinkedForAnalytics()
    {
        var tenant = await Factory.CreateTenantAsync();
        var tiktok = await AddByoAsync(tenant, Platform.Tiktok);
        var youtube = await AddByoAsync(tenant, Platform.Youtube);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var body = Video(caption, tiktok.Id, youtube.Id);
        body["external_id"] = "ext-" + Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(client, body);

        Assert.Equal(0, (await TickAsync()).Attempts);
        var created = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post;
        var outcome = await Factory.Services.GetRequiredService<MediaPipeline>().ProcessAsync(
            new MediaWorkMessage(tenant.Scope.PartitionKey, id, created.MediaState.Version), new QueueDelivery("message-1", default, IsLastAttempt: false), Ct);
        Assert.Equal(MediaOutcome.Ready, outcome);
        // From here the caller's URL points where the fetcher may not go: only our copy can reach the platforms.
        var rehosted = await Store.GetAsync(tenant.Scope, id, Ct);
        var privateUrl = new Uri(new Uri(Factory.SimulatorUrl), "/_sim/media/clip.mp4?bytes=300000").ToString();
        await Store.UpdateAsync(tenant.Scope, rehosted!, rehosted!.Post with { Media = rehosted.Post.Media with { Urls = [privateUrl] } }, Ct);
        Advance(TimeSpan.FromMinutes(2));
        await TickAsync();

        var post = await GetPostAsync(client, id);
        Assert.True(post.GetProperty("status").GetString() == "posted", post.ToString());
        var blob = Assert.Single((await Store.GetAsync(tenant.Scope, id, Ct))!.Post.MediaState.Blobs!);
        var published = PublishedWith(caption);
        var tiktokPost = Assert.Single(published, p => p.Platform == "tiktok");
        var ourCopy = Assert.Single(tiktokPost.MediaUrls);
        Assert.Contains("/" + blob, Uri.UnescapeDataString(ourCopy), StringComparison.Ordinal);
        Assert.Contains("sig=", ourCopy, StringComparison.Ordinal);
        Assert.Equal(300_000, tiktokPost.MediaBytes);
        Assert.Equal(300_000, Assert.Single(Sim.MediaFetches, f => f.Url == ourCopy).Bytes);
        // YouTube's upload streamed the blob itself: the caller's URL is refused now.
        Assert.Equal(300_000, Assert.Single(published, p => p.Platform == "youtube").MediaBytes);

        var links = Factory.Services.GetRequiredService<PlatformPostMap>();
        foreach (var state in (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.States)
        {
            var link = await links.FindAsync(tenant.Scope, state.Platform, state.PlatformPostId!, Ct);
            Assert.NotNull(link);
            Assert.Equal(id, link.GenviralPostId);
            Assert.Equal(body["external_id"]!.GetValue<string>(), link.ExternalId);
        }
    }

    [Fact]
    public async Task HostedYouTube_CallersUrlIsPrivate_FailsWithoutFetchingIt()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await Factory.Accounts.AddAsync(tenant.Scope, Platform.Youtube, AccountType.Hosted, "hosted_" + Guid.NewGuid().ToString("N")[..8], "Hosted", null, Ct);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        // As if the caller's host had started resolving to a private address after the media check.
        var stored = await Store.GetAsync(tenant.Scope, id, Ct);
        var privateUrl = new Uri(new Uri(Factory.SimulatorUrl), "/_sim/media/clip.mp4").ToString();
        await Store.UpdateAsync(tenant.Scope, stored!, stored!.Post with { Media = stored.Post.Media with { Urls = [privateUrl] } }, Ct);

        await TickAsync();

        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("failed", state.GetProperty("status").GetString());
        Assert.Contains("not a public address", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Empty(PublishedWith(caption));
        Assert.DoesNotContain(Sim.Requests, r => r.PathAndQuery.StartsWith("/upload/youtube/v3/videos", StringComparison.Ordinal) && r.Body.Contains(caption, StringComparison.Ordinal));
    }
}
