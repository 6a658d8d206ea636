using Genviral.Core.Accounts;
using Genviral.Core.Webhooks;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Functions.Tests.Publishing;

namespace Genviral.Functions.Tests.Webhooks;

/// <summary>The publishing path end to end: a post published through the simulator reaches the partner's receiver as events.</summary>
public sealed class WebhookPublishingTests(WebhookFactory factory) : PublishingTestBase(factory), IClassFixture<WebhookFactory>
{
    // The bound from the state change to the receiver, in standalone mode with its default queue polling.
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task PostPublished_TwoAccounts_ReceiverGetsEachAccountPublishedAndOnePostPublished()
    {
        var receiver = ((WebhookFactory)Factory).Receiver;
        var tenant = await Factory.CreateTenantAsync();
        var tiktok = await AddByoAsync(tenant, Platform.Tiktok);
        var instagram = await AddByoAsync(tenant, Platform.Instagram);
        using var client = Factory.CreateClient(tenant.Token);
        var url = receiver.Url();
        var (_, secret) = await WebhookTestBase.CreateAsync(client, url, WebhookEvents.PostPublished, WebhookEvents.PostAccountPublished);
        var id = await CreateAsync(client, Video(Caption(), tiktok.Id, instagram.Id));
        // The app's own media pipeline makes the media ready; the bound leaves room for one failed attempt's 30 s visibility timeout.
        var ready = await Poll.UntilAsync(async () => (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.MediaState.Ready, TimeSpan.FromSeconds(60));
        Assert.True(ready, "the media never became ready: " + (await Store.GetAsync(tenant.Scope, id, Ct))!.Post);

        await TickAsync();
        var changed = DateTimeOffset.UtcNow;
        var arrived = await Poll.UntilAsync(
            () => Task.FromResult(receiver.Received(url).Select(r => r.Id).Distinct().Count() >= 3), DeliveryBound);

        var post = await GetPostAsync(client, id);
        Assert.Equal("posted", post.GetProperty("status").GetString());
        Assert.True(arrived, "3 events did not arrive within 5 s; got " + string.Join(", ", receiver.Received(url).Select(r => r.Body)));
        var events = receiver.Received(url).DistinctBy(r => r.Id).ToList();
        Assert.All(events, e => Assert.True(WebhookReceiver.Verifies(e, secret)));
        var bodies = events.Select(e => e.Json()).ToList();
        Assert.Equal(
            new[] { WebhookEvents.PostAccountPublished + " " + instagram.Id, WebhookEvents.PostAccountPublished + " " + tiktok.Id, WebhookEvents.PostPublished + " -" }
                .Order(StringComparer.Ordinal),
            bodies.Select(b => b.GetProperty("type").GetString() + " " + (b.TryGetProperty("account_id", out var a) ? a.GetString() : "-")).Order(StringComparer.Ordinal));
        Assert.All(bodies, b => Assert.Equal(id, b.GetProperty("data").GetProperty("id").GetString()));
        var published = Assert.Single(bodies, b => b.GetProperty("type").GetString() == WebhookEvents.PostPublished);
        Assert.Equal(post.GetProperty("accounts").ToString(), published.GetProperty("data").GetProperty("accounts").ToString());
        var lastPublished = post.GetProperty("accounts").GetProperty("states").EnumerateArray().Max(s => s.GetProperty("published_at").GetDateTimeOffset());
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"last event received {(events.Max(e => e.At) - lastPublished).TotalMilliseconds:F0} ms after the last account was published, "
            + $"{(events.Max(e => e.At) - changed).TotalMilliseconds:F0} ms after the dispatcher tick returned");
    }
}
