using System.Globalization;
using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Publishing;

/// <summary>
/// Immediate posts: when a post without scheduled_at gets its media ready, a publish-now message is sent and the
/// PublishPost function publishes it through the dispatcher's claims, once, however it races the timer.
/// </summary>
public sealed class PublishNowTests(PublishingFactory factory) : PublishingTestBase(factory), IClassFixture<PublishingFactory>
{
    [Fact]
    public async Task ImmediatePost_MediaReady_PublishMessageSentAndPublishPostPublishesIt()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateAsync(client, Video(caption, account.Id));
        var before = await MessagesForAsync(id);

        await MakeMediaReadyAsync(tenant, id);
        var message = Assert.Single(await MessagesForAsync(id));
        await Factory.RunQueueFunctionAsync("PublishPost", message);

        Assert.Empty(before);
        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.Single(PublishedWith(caption));
        Assert.Empty(await IndexRowsAsync(tenant, id));
    }

    [Fact]
    public async Task ScheduledPost_MediaReady_NoPublishMessageAndLeftToTheTimer()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        using var client = Factory.CreateClient(tenant.Token);
        var body = Video(Caption(), account.Id);
        body["scheduled_at"] = Factory.Time.GetUtcNow().AddMinutes(30).ToString("O", CultureInfo.InvariantCulture);
        var id = await CreateAsync(client, body);

        await MakeMediaReadyAsync(tenant, id);

        Assert.Empty(await MessagesForAsync(id));
        Assert.Single(await IndexRowsAsync(tenant, id));
    }

    [Fact]
    public async Task RetryEndpoint_MediaReady_PublishMessageSent()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await FailNextAsync("tiktok", await TokenOfAsync(tenant, account), 400, message: "Bad caption");
        await TickAsync();

        using var retried = await client.PostAsync("/api/partner/v1/posts/retry",
            new StringContent(JsonSerializer.Serialize(new { postIds = new[] { id } }), System.Text.Encoding.UTF8, "application/json"), Ct);
        var message = Assert.Single(await MessagesForAsync(id));
        await Factory.RunQueueFunctionAsync("PublishPost", message);

        Assert.Equal(System.Net.HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.Single(PublishedWith(caption));
    }

    [Fact]
    public async Task MessagesAndTimerRacing_OnTheSamePosts_PublishEachStateOnce()
    {
        var tenant = await Factory.CreateTenantAsync();
        var tiktok = await AddByoAsync(tenant, Platform.Tiktok);
        var instagram = await AddByoAsync(tenant, Platform.Instagram);
        using var client = Factory.CreateClient(tenant.Token);
        var captions = Enumerable.Range(0, 6).Select(_ => Caption()).ToList();
        var ids = new List<string>();
        foreach (var caption in captions)
        {
            var id = await CreateAsync(client, Video(caption, tiktok.Id, instagram.Id));
            await MakeMediaReadyAsync(tenant, id);
            ids.Add(id);
        }

        var messages = new List<string>();
        foreach (var id in ids)
        {
            messages.Add(Assert.Single(await MessagesForAsync(id)));
        }

        // Each message delivered twice, beside two dispatchers ticking over the same due entries.
        var a = Factory.NewDispatcher();
        var b = Factory.NewDispatcher();
        await Task.WhenAll(messages.Concat(messages).Select(m => Factory.RunQueueFunctionAsync("PublishPost", m)).Append(a.RunAsync(Ct)).Append(b.RunAsync(Ct)));

        foreach (var caption in captions)
        {
            var published = PublishedWith(caption);
            Assert.Single(published, p => p.Platform == "tiktok");
            Assert.Single(published, p => p.Platform == "instagram");
        }

        foreach (var id in ids)
        {
            Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
            Assert.Empty(await IndexRowsAsync(tenant, id));
        }
    }

    [Fact]
    public async Task PublishPost_MalformedMessage_DroppedWithoutPublishing()
    {
        var published = Sim.Published.Count;

        await Factory.RunQueueFunctionAsync("PublishPost", """{"scope":"nope","post_id":"x","bucket":"202601010000"}""");
        await Factory.RunQueueFunctionAsync("PublishPost", "not json");

        Assert.Equal(published, Sim.Published.Count);
    }

    /// <summary>Runs the media pipeline on the post's current media, as RehostMedia does.</summary>
    private async Task MakeMediaReadyAsync(Tenant tenant, string id)
    {
        var post = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post;
        var outcome = await Factory.Services.GetRequiredService<MediaPipeline>().ProcessAsync(
            new MediaWorkMessage(tenant.Scope.PartitionKey, id, post.MediaState.Version), new QueueDelivery("message-" + id, default, IsLastAttempt: false), Ct);
        Assert.Equal(MediaOutcome.Ready, outcome);
    }

    /// <summary>The publish-now messages waiting for <paramref name="postId"/>, as their text.</summary>
    private async Task<IReadOnlyList<string>> MessagesForAsync(string postId)
    {
        var peeked = await Factory.Storage.Queue(StorageNames.PublishNowQueue).PeekMessagesAsync(32, Ct);
        return [.. peeked.Value.Select(m => m.Body.ToString()).Where(body => JsonSerializer.Deserialize(body, PublishNowJson.Default.PublishNowMessage)?.PostId == postId)];
    }
}
