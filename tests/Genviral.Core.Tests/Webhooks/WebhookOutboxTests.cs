using System.Text.Json;
using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Core.Auth;
using Genviral.Core.Platforms.Stats;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Genviral.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Genviral.Core.Tests.Webhooks;

/// <summary>
/// The outbox against Azurite: a post write records its events in its own transaction and hands them to the delivery
/// log and queue; when the writer stops after the commit, the sweep finds the events by their hint and hands them over.
/// </summary>
public sealed class WebhookOutboxTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly Scope _scope = Scope.Workspace(Guid.NewGuid().ToString());
    private StorageClients _storage = null!;
    private WebhookStore _webhooks = null!;
    private WebhookOutbox _outbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = await TestStorage.CreateAsync(_prefix);
        _webhooks = new WebhookStore(_storage, _clock);
        _outbox = new WebhookOutbox(_storage, _webhooks, _clock, NullLogger<WebhookOutbox>.Instance);
    }

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task UpdateAsync_PostPosted_LogsEachEventForTheWebhooksThatWantItAndQueuesTheFirstAttempts()
    {
        var all = await CreateWebhookAsync("*");
        var published = await CreateWebhookAsync(WebhookEvents.PostPublished);
        await CreateWebhookAsync(WebhookEvents.MediaFailed);
        var posts = new PostStore(_storage, _outbox);
        var stored = await CreatePostAsync(posts, "a1", "a2");

        await posts.UpdateAsync(_scope, stored, Posted(stored.Post), Ct);

        Assert.Equal(
            [WebhookEvents.PostAccountPublished + " a1", WebhookEvents.PostAccountPublished + " a2", WebhookEvents.PostPublished],
            (await DeliveriesAsync(all)).Select(d => d.Event.Type + (d.Event.AccountId is { } a ? " " + a : "")).Order(StringComparer.Ordinal));
        var one = Assert.Single(await DeliveriesAsync(published));
        Assert.Equal(stored.Post.Id, PostEntity.ToPost(one.Event.Data).Id);
        Assert.Equal(PostStatus.Posted, PostEntity.ToPost(one.Event.Data).Status);
        Assert.Equal(4, await QueuedAsync());
        Assert.Empty(await OutboxRowsAsync());
        Assert.Empty(await HintsAsync());
    }

    [Fact]
    public async Task UpdateAsync_NoWebhookWantsTheEvents_RecordsNothing()
    {
        await CreateWebhookAsync(WebhookEvents.AnalyticsRefreshCompleted);
        var posts = new PostStore(_storage, _outbox);
        var stored = await CreatePostAsync(posts, "a1");

        var updated = await posts.UpdateAsync(_scope, stored, Posted(stored.Post), Ct);

        Assert.Equal(PostStatus.Posted, updated.Post.Status);
        Assert.Equal(0, await QueuedAsync());
        Assert.Empty(await OutboxRowsAsync());
        Assert.Empty(await HintsAsync());
    }

    [Fact]
    public async Task UpdateAsync_PostChangedMeanwhile_RaisesNothingAndLeavesNoHint()
    {
        var id = await CreateWebhookAsync("*");
        var posts = new PostStore(_storage, _outbox);
        var stale = await CreatePostAsync(posts, "a1");
        await posts.UpdateAsync(_scope, stale, stale.Post with { Caption = "edited" }, Ct);

        await Assert.ThrowsAsync<PostChangedException>(() => posts.UpdateAsync(_scope, stale, Posted(stale.Post), Ct));

        Assert.Empty(await DeliveriesAsync(id));
        Assert.Equal(0, await QueuedAsync());
        Assert.Empty(await OutboxRowsAsync());
        Assert.Empty(await HintsAsync());
    }

    [Fact]
    public async Task Sweep_WriterStoppedAfterTheCommit_HandsTheEventsOverOnceTheHintIsOldEnough()
    {
        var id = await CreateWebhookAsync("*");
        var post = await CreatePostAsync(new PostStore(_storage), "a1");
        // The change commits with its outbox row, and the writer stops before handing the events over.
        var pending = (await _outbox.PrepareAsync(_scope, StorageNames.PostsTable, WebhookSubject.Post, PostEvents.Between(post.Post, Posted(post.Post)), Ct))!;
        await _storage.Table(StorageNames.PostsTable).SubmitTransactionAsync(
            [pending.Record(PostEntity.ToEntity(_scope.PartitionKey, PostKeys.Post(post.Post.Id), Posted(post.Post)))], Ct);

        var early = await _outbox.SweepAsync(Ct);
        _clock.Advance(WebhookOutbox.SweepDelay + TimeSpan.FromMinutes(1));
        var swept = await _outbox.SweepAsync(Ct);
        var again = await _outbox.SweepAsync(Ct);

        Assert.Equal((0, 1, 0), (early, swept, again));
        Assert.Equal([WebhookEvents.PostAccountPublished, WebhookEvents.PostPublished], (await DeliveriesAsync(id)).Select(d => d.Event.Type).Order(StringComparer.Ordinal));
        Assert.Equal(2, await QueuedAsync());
        Assert.Empty(await OutboxRowsAsync());
        Assert.Empty(await HintsAsync());
    }

    [Fact]
    public async Task Sweep_ChangeThatNeverCommitted_DropsItsHintAndSendsNothing()
    {
        var id = await CreateWebhookAsync("*");
        var post = await CreatePostAsync(new PostStore(_storage), "a1");
        await _outbox.PrepareAsync(_scope, StorageNames.PostsTable, WebhookSubject.Post, PostEvents.Between(post.Post, Posted(post.Post)), Ct);

        _clock.Advance(WebhookOutbox.SweepDelay + TimeSpan.FromMinutes(1));
        var swept = await _outbox.SweepAsync(Ct);

        Assert.Equal(1, swept);
        Assert.Empty(await DeliveriesAsync(id));
        Assert.Equal(0, await QueuedAsync());
        Assert.Empty(await HintsAsync());
    }

    [Fact]
    public async Task RefreshFailed_LogsAnalyticsRefreshFailedWithTheRefreshAsItEnded()
    {
        var id = await CreateWebhookAsync(WebhookEvents.AnalyticsRefreshFailed);
        var analytics = new AnalyticsStore(_storage, new DailySnapshotIndex(_storage), _outbox, _clock);
        var cache = new AccessCache(Options.Create(new AccessCacheOptions { CacheDuration = TimeSpan.Zero }), _clock);
        var refreshes = new AnalyticsRefreshes(analytics, new CreditLedger(_storage, _clock, cache), new AnalyticsWork(_storage), new DailySnapshotIndex(_storage),
            new StatsConnectors([]), _storage.Conflicts, _clock, NullLogger<AnalyticsRefreshes>.Instance);
        var (target, _) = await analytics.CreateTargetAsync(_scope, Platform.Tiktok, "@brand", null, "u1", Ct);
        var refreshId = (await refreshes.RequestAsync(_scope, target.Id, Ct)).Refresh!.Id;

        await refreshes.FailAsync(_scope, refreshId, "gave up", Ct);
        await refreshes.FailAsync(_scope, refreshId, "gave up again", Ct);

        var delivery = Assert.Single(await DeliveriesAsync(id));
        Assert.Equal(WebhookEvents.AnalyticsRefreshFailed, delivery.Event.Type);
        var refresh = RefreshEntity.FromEventData(delivery.Event.Data);
        Assert.Equal((refreshId, RefreshStatus.Failed, "gave up"), (refresh.Id, refresh.Status, refresh.Error));
        Assert.Equal(1, await QueuedAsync());
        Assert.Empty(await HintsAsync());
    }

    [Fact]
    public void Between_ClaimEditOrRetry_RaisesNothing()
    {
        var post = NewPost("a1", "a2");
        var claimed = post with { States = [.. post.States.Select(s => s with { Publishing = new PublishProgress("c", DateTimeOffset.UtcNow, null, null) })] };

        Assert.Empty(PostEvents.Between(post, claimed));
        Assert.Empty(PostEvents.Between(post, post with { Caption = "edited" }));
        Assert.Empty(PostEvents.Between(Posted(post), Posted(post) with { Caption = "edited" }));
    }

    [Fact]
    public void Between_OneAccountPostedOneFailed_RaisesEachAccountAndPartial()
    {
        var post = NewPost("a1", "a2");
        var firstPosted = post with { States = [post.States[0] with { Status = PostStatus.Posted }, post.States[1]] };
        var partial = firstPosted with { States = [firstPosted.States[0], firstPosted.States[1] with { Status = PostStatus.Failed }] };

        Assert.Equal([new RaisedEvent(WebhookEvents.PostAccountPublished, "a1")], PostEvents.Between(post, firstPosted));
        Assert.Equal([new RaisedEvent(WebhookEvents.PostAccountFailed, "a2"), new RaisedEvent(WebhookEvents.PostPartial)], PostEvents.Between(firstPosted, partial));
    }

    [Fact]
    public void Between_MediaFailed_RaisesMediaFailedEachAccountFailedAndPostFailed()
    {
        var post = NewPost("a1");

        Assert.Equal(
            [new RaisedEvent(WebhookEvents.MediaFailed), new RaisedEvent(WebhookEvents.PostAccountFailed, "a1"), new RaisedEvent(WebhookEvents.PostFailed)],
            PostEvents.Between(post, post.WithMediaFailed("media_unreachable: gone")));
    }

    private async Task<string> CreateWebhookAsync(string events) =>
        (await _webhooks.CreateAsync(_scope, "https://hooks.example.com/" + Guid.NewGuid().ToString("N"), [events], null, Ct))!.Stored.Webhook.Id;

    private async Task<IReadOnlyList<StoredDelivery>> DeliveriesAsync(string webhookId)
    {
        var page = await _webhooks.ListDeliveriesAsync(_scope, webhookId, null, 50, Ct);
        return [.. await Task.WhenAll(page.Deliveries.Select(async d => (await _webhooks.GetDeliveryAsync(_scope, d.Key, Ct))!))];
    }

    private async Task<StoredPost> CreatePostAsync(PostStore posts, params string[] accounts)
    {
        var pending = await posts.BeginCreateAsync(_scope, NewPost(accounts), null, Ct);
        return (await posts.CreateAsync(pending, Ct)).Post!;
    }

    private static Post NewPost(params string[] accounts)
    {
        var now = DateTimeOffset.UtcNow;
        return new Post(Guid.NewGuid().ToString(), "Hello", new PostMedia(MediaType.Video, ["https://cdn.example.com/clip.mp4"]), null, null, now, now, null,
            PostStatus.Pending, [.. accounts.Select(a => new AccountState(a, Platform.Tiktok, AccountType.Hosted, PostStatus.Pending))],
            new MediaState(Guid.NewGuid().ToString("N"), Ready: true, NeedsRehost: false));
    }

    private static Post Posted(Post post) => post with { States = [.. post.States.Select(s => s with { Status = PostStatus.Posted, PublishedAt = DateTimeOffset.UtcNow })] };

    /// <summary>First-attempt messages of this test's scope in the delivery queue.</summary>
    private async Task<int> QueuedAsync()
    {
        var messages = (await _storage.Queue(StorageNames.WebhookDeliveryQueue).PeekMessagesAsync(32, Ct)).Value;
        return messages.Count(m => JsonDocument.Parse(m.Body.ToString()).RootElement.GetProperty("scope").GetString() == _scope.PartitionKey);
    }

    private async Task<List<TableEntity>> OutboxRowsAsync()
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {_scope.PartitionKey} and RowKey ge {"outbox|"} and RowKey lt {"outbox}"}");
        return await _storage.Table(StorageNames.PostsTable).QueryAsync<TableEntity>(filter, cancellationToken: Ct).ToListAsync(Ct);
    }

    private async Task<List<TableEntity>> HintsAsync() =>
        await _storage.Table(StorageNames.WebhookOutboxTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Scope eq {_scope.PartitionKey}"), cancellationToken: Ct)
            .ToListAsync(Ct);
}
