using Azure.Data.Tables;
using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Core.Auth;
using Genviral.Core.Media;
using Genviral.Core.Platforms;
using Genviral.Core.Platforms.Stats;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Genviral.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Storage;

/// <summary>
/// Every read-change-write against Azurite while another writer wins each race: it gives up after
/// Storage:ConflictRetries retries with <see cref="WriteConflictException"/> (or the per-post outcome that stands for
/// it), never spins, and leaves the data as the rival left it.
/// </summary>
public sealed class ContentionTests : IAsyncLifetime
{
    private const int Retries = 2;
    private const int Attempts = Retries + 1;
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly Scope _scope = Scope.Workspace(Guid.NewGuid().ToString());
    private readonly AccessCache _cache = new(Options.Create(new AccessCacheOptions { CacheDuration = TimeSpan.Zero }), TimeProvider.System);
    private readonly TimeProvider _time = TimeProvider.System;
    private StorageClients _plain = null!;
    private RivalWriter _rival = null!;
    private StorageClients _contended = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _plain = await TestStorage.CreateAsync(_prefix);
        _rival = new RivalWriter(_plain);
        _contended = _rival.Contended(new StorageOptions { ConnectionString = TestStorage.ConnectionString, Prefix = _prefix, ConflictRetries = Retries });
    }

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task RunAsync_RaceLostEveryTime_ThrowsAfterTheRetriesWithTheLastConflict()
    {
        var runs = 0;

        var error = await Assert.ThrowsAsync<WriteConflictException>(() => new ConflictRetry(Retries).RunAsync(() =>
        {
            runs++;
            throw new PostChangedException();
        }));

        Assert.Equal(Attempts, runs);
        Assert.Equal(Attempts, error.Attempts);
        Assert.IsType<PostChangedException>(error.InnerException);
    }

    [Fact]
    public async Task RunAsync_RaceLostThenWon_ReturnsTheWinningAttempt()
    {
        var runs = 0;

        var result = await new ConflictRetry(Retries).RunAsync(() =>
            ++runs <= Retries ? throw new Azure.RequestFailedException(412, "changed") : Task.FromResult(runs));

        Assert.Equal(Attempts, result);
    }

    [Fact]
    public async Task RunAsync_OtherFailure_IsNotRetried()
    {
        var runs = 0;

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => new ConflictRetry(Retries).RunAsync(() =>
        {
            runs++;
            throw new Azure.RequestFailedException(404, "gone");
        }));

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task TenantStore_GrantCreditsWhileTheSubscriptionKeepsChanging_GivesUpAndGrantsNothing()
    {
        await new TenantStore(_plain, _time, _cache).SetPlanAsync(_scope, Plan.Business, "month", Ct);
        _rival.Touches(StorageNames.TenantsTable, _scope.PartitionKey, SubscriptionEntity.Row);

        var error = await Assert.ThrowsAsync<WriteConflictException>(() => new TenantStore(_contended, _time, _cache).GrantCreditsAsync(_scope, 5, Ct));

        Assert.Equal(Attempts, error.Attempts);
        Assert.Equal(Attempts, _rival.Wins);
        Assert.Equal(0, (await new TenantStore(_plain, _time, _cache).GetSubscriptionAsync(_scope, Ct))!.CreditsLimit);
    }

    [Fact]
    public async Task TenantStore_SetPlanWhileTheSubscriptionKeepsChanging_GivesUpAndKeepsThePlan()
    {
        await new TenantStore(_plain, _time, _cache).SetPlanAsync(_scope, Plan.Business, "month", Ct);
        _rival.Touches(StorageNames.TenantsTable, _scope.PartitionKey, SubscriptionEntity.Row);

        await Assert.ThrowsAsync<WriteConflictException>(() => new TenantStore(_contended, _time, _cache).SetPlanAsync(_scope, Plan.Scheduler, "year", Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Equal(Plan.Business, (await new TenantStore(_plain, _time, _cache).GetSubscriptionAsync(_scope, Ct))!.Plan);
    }

    [Fact]
    public async Task CreditLedger_ChargeWhileThePoolKeepsChanging_GivesUpAndChargesNothing()
    {
        var tenants = new TenantStore(_plain, _time, _cache);
        await tenants.SetPlanAsync(_scope, Plan.Business, "month", Ct);
        await tenants.GrantCreditsAsync(_scope, 3, Ct);
        _rival.Touches(StorageNames.TenantsTable, _scope.PartitionKey, SubscriptionEntity.Row);

        await Assert.ThrowsAsync<WriteConflictException>(() => new CreditLedger(_contended, _time, _cache).ChargeAsync(_scope, "op-1", 1, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Equal(0, (await tenants.GetSubscriptionAsync(_scope, Ct))!.CreditsUsed);
        Assert.Null(await _plain.Table(StorageNames.TenantsTable).GetEntityOrNullAsync<TableEntity>(_scope.PartitionKey, "credit|charge|op-1", Ct));
    }

    [Fact]
    public async Task ApiKeyStore_RecordUsageWhileTheKeyKeepsChanging_GivesUpAndRecordsNothing()
    {
        var issued = await new ApiKeyStore(_plain, _time, _cache).IssueAsync(_scope, "u1", "key", Ct);
        _rival.Touches(StorageNames.ApiKeysTable, issued.Key.PublicId, "");

        await Assert.ThrowsAsync<WriteConflictException>(() => new ApiKeyStore(_contended, _time, _cache).RecordUsageAsync(issued.Key.PublicId, _time.GetUtcNow(), Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Null((await new ApiKeyStore(_plain, _time, _cache).GetAsync(issued.Key.PublicId, Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task AccountStore_SetStatusWhileTheAccountKeepsChanging_GivesUpAndKeepsTheStatus()
    {
        var account = await new AccountStore(_plain, _time).AddAsync(_scope, Platform.Tiktok, AccountType.Hosted, "brand", "Brand", null, Ct);
        _rival.Touches(StorageNames.AccountsTable, _scope.PartitionKey, account.Id);

        await Assert.ThrowsAsync<WriteConflictException>(() => new AccountStore(_contended, _time).SetStatusAsync(_scope, account.Id, AccountStatus.Paused, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Equal(AccountStatus.Active, (await new AccountStore(_plain, _time).GetAsync(_scope, account.Id, Ct))!.Status);
    }

    [Fact]
    public async Task AnalyticsStore_PatchWhileTheTargetKeepsChanging_GivesUpAndKeepsTheTarget()
    {
        var (target, _) = await Analytics(_plain).CreateTargetAsync(_scope, Platform.Tiktok, "@brand", "Brand", "u1", Ct);
        _rival.Touches(StorageNames.AnalyticsTable, _scope.PartitionKey, AnalyticsKeys.Target(target.Id));
        var patch = new TargetPatch(true, "Renamed", false, null, true);

        await Assert.ThrowsAsync<WriteConflictException>(() => Analytics(_contended).PatchTargetAsync(_scope, target.Id, patch, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        var stored = (await Analytics(_plain).GetTargetAsync(_scope, target.Id, Ct))!;
        Assert.Equal(("Brand", false), (stored.DisplayName, stored.Favorite));
    }

    [Fact]
    public async Task AnalyticsRefreshes_PaidRequestWhileTheTargetKeepsChanging_GivesUpAndRefundsEveryCharge()
    {
        var tenants = new TenantStore(_plain, _time, _cache);
        await tenants.SetPlanAsync(_scope, Plan.Business, "month", Ct);
        await tenants.GrantCreditsAsync(_scope, 10, Ct);
        var (target, _) = await Analytics(_plain).CreateTargetAsync(_scope, Platform.Tiktok, "@brand", null, "u1", Ct);
        await Analytics(_plain).PatchTargetAsync(_scope, target.Id, new TargetPatch(false, null, true, new RefreshPolicy(false, null), null), Ct);
        _rival.Touches(StorageNames.AnalyticsTable, _scope.PartitionKey, AnalyticsKeys.Target(target.Id));

        await Assert.ThrowsAsync<WriteConflictException>(() => Refreshes(_contended).RequestAsync(_scope, target.Id, Ct));

        Assert.Equal(0, (await tenants.GetSubscriptionAsync(_scope, Ct))!.CreditsUsed);
        var stored = (await Analytics(_plain).GetTargetAsync(_scope, target.Id, Ct))!;
        Assert.Null(stored.LastRefresh);
    }

    [Fact]
    public async Task AnalyticsRefreshes_FailWhileTheTargetKeepsChanging_GivesUpAndLeavesTheRefreshPending()
    {
        var (target, _) = await Analytics(_plain).CreateTargetAsync(_scope, Platform.Tiktok, "@brand", null, "u1", Ct);
        var queued = await Refreshes(_plain).RequestAsync(_scope, target.Id, Ct);
        _rival.Touches(StorageNames.AnalyticsTable, _scope.PartitionKey, AnalyticsKeys.Target(target.Id));

        await Assert.ThrowsAsync<WriteConflictException>(() => Refreshes(_contended).FailAsync(_scope, queued.Refresh!.Id, "gave up", Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Equal(RefreshStatus.Pending, (await Analytics(_plain).GetRefreshAsync(_scope, queued.Refresh!.Id, Ct))!.Status);
    }

    [Fact]
    public async Task PostStore_CreateWhileTheCountersKeepChanging_GivesUpAndWritesNoPost()
    {
        var post = NewPost();
        TouchCounters();

        var posts = new PostStore(_contended);
        var pending = await posts.BeginCreateAsync(_scope, post, null, Ct);
        await Assert.ThrowsAsync<WriteConflictException>(() => posts.CreateAsync(pending, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Null(await new PostStore(_plain).GetAsync(_scope, post.Id, Ct));
        Assert.Equal(0, (await new PostStore(_plain).GetSummaryAsync(_scope, Ct)).Total);
    }

    [Fact]
    public async Task PostStore_StatusChangeWhileTheCountersKeepChanging_GivesUpAndKeepsThePost()
    {
        var stored = await CreatePostAsync();
        TouchCounters();

        await Assert.ThrowsAsync<WriteConflictException>(() =>
            new PostStore(_contended).UpdateAsync(_scope, stored, stored.Post with { States = [.. stored.Post.States.Select(s => s with { Status = PostStatus.Failed })] }, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Equal(PostStatus.Pending, (await new PostStore(_plain).GetAsync(_scope, stored.Post.Id, Ct))!.Post.Status);
    }

    [Fact]
    public async Task PostStore_DeleteWhileTheCountersKeepChanging_GivesUpAndKeepsThePost()
    {
        var stored = await CreatePostAsync();
        TouchCounters();

        await Assert.ThrowsAsync<WriteConflictException>(() => new PostStore(_contended).DeleteAsync(_scope, stored, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.NotNull(await new PostStore(_plain).GetAsync(_scope, stored.Post.Id, Ct));
    }

    [Fact]
    public async Task PostService_DeleteWhileThePostKeepsChanging_ReportsItContendedAndKeepsIt()
    {
        var stored = await CreatePostAsync();
        _rival.Touches(StorageNames.PostsTable, _scope.PartitionKey, PostKeys.Post(stored.Post.Id));

        var result = await Service(_contended).DeleteManyAsync(_scope, [stored.Post.Id], Ct);

        Assert.Equal([stored.Post.Id], result.Contended);
        Assert.Empty(result.Deleted);
        Assert.Equal(Attempts, _rival.Wins);
        Assert.NotNull(await new PostStore(_plain).GetAsync(_scope, stored.Post.Id, Ct));
    }

    [Fact]
    public async Task PostService_RetryWhileThePostKeepsChanging_IsContendedAndKeepsItFailed()
    {
        var stored = await CreatePostAsync();
        stored = await new PostStore(_plain).UpdateAsync(_scope, stored, stored.Post.WithMediaFailed("media_unreachable: gone"), Ct);
        _rival.Touches(StorageNames.PostsTable, _scope.PartitionKey, PostKeys.Post(stored.Post.Id));

        var outcome = await Service(_contended).RetryAsync(_scope, stored.Post.Id, null, Ct);

        Assert.Equal(RetryOutcome.Contended, outcome);
        Assert.Equal(Attempts, _rival.Wins);
        Assert.Equal(PostStatus.Failed, (await new PostStore(_plain).GetAsync(_scope, stored.Post.Id, Ct))!.Post.Status);
    }

    [Fact]
    public async Task PostDispatcher_ClaimWhileThePostKeepsChanging_GivesUpAndLeavesTheEntryForTheNextTick()
    {
        var stored = await CreatePostAsync();
        await new PostStore(_plain).UpdateAsync(_scope, stored, stored.Post with { MediaState = stored.Post.MediaState with { Ready = true } }, Ct);
        _rival.Touches(StorageNames.PostsTable, _scope.PartitionKey, PostKeys.Post(stored.Post.Id));

        var result = await Dispatcher(_contended).RunAsync(Ct);

        Assert.Equal((1, 0), (result.Entries, result.Attempts));
        Assert.Equal(Attempts, _rival.Wins);
        var after = (await new PostStore(_plain).GetAsync(_scope, stored.Post.Id, Ct))!.Post;
        Assert.All(after.States, s => Assert.Null(s.Publishing));
        Assert.Contains(await new PostSchedule(_plain, _time).ListDueAsync(_time.GetUtcNow(), 10, Ct), e => e.PostId == stored.Post.Id);
    }

    [Fact]
    public async Task MediaPipeline_ResultWhileThePostKeepsChanging_GivesUpForTheQueueToRetry()
    {
        var stored = await CreatePostAsync("http://127.0.0.1:9/clip.mp4");
        _rival.Touches(StorageNames.PostsTable, _scope.PartitionKey, PostKeys.Post(stored.Post.Id));
        var mediaOptions = Options.Create(new MediaOptions());
        using var http = new MediaHttp(mediaOptions, new MediaAddressRule(mediaOptions));
        var pipeline = new MediaPipeline(
            new PostStore(_contended), new MediaRehoster(_contended, http, mediaOptions), new MediaReferences(_contended), new PublishNow(_contended, _time), _contended.Conflicts, mediaOptions, _time,
            NullLogger<MediaPipeline>.Instance);

        await Assert.ThrowsAsync<WriteConflictException>(() =>
            pipeline.ProcessAsync(new MediaWorkMessage(_scope.PartitionKey, stored.Post.Id, stored.Post.MediaState.Version), new QueueDelivery("message-1", default, IsLastAttempt: false), Ct));

        Assert.Equal(Attempts, _rival.Wins);
        var media = (await new PostStore(_plain).GetAsync(_scope, stored.Post.Id, Ct))!.Post.MediaState;
        Assert.False(media.Failed || media.Ready);
    }

    [Fact]
    public async Task WebhookStore_CreateWhileTheCountKeepsChanging_GivesUpAndAddsNoWebhook()
    {
        _rival.Touches(StorageNames.WebhooksTable, _scope.PartitionKey, WebhookKeys.Count);

        await Assert.ThrowsAsync<WriteConflictException>(() => new WebhookStore(_contended, _time).CreateAsync(_scope, "https://hooks.example.com/a", ["*"], null, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Empty(await new WebhookStore(_plain, _time).ListAsync(_scope, Ct));
    }

    [Fact]
    public async Task WebhookStore_ChangeWhileTheWebhookKeepsChanging_GivesUpAndKeepsItAsTheRivalLeftIt()
    {
        var id = (await new WebhookStore(_plain, _time).CreateAsync(_scope, "https://hooks.example.com/a", ["*"], null, Ct))!.Stored.Webhook.Id;
        _rival.Touches(StorageNames.WebhooksTable, _scope.PartitionKey, WebhookKeys.Hook(id));

        await Assert.ThrowsAsync<WriteConflictException>(() =>
            new WebhookStore(_contended, _time).ChangeAsync(_scope, id, w => w with { Description = "changed" }, ifMatch: null, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.Null((await new WebhookStore(_plain, _time).GetAsync(_scope, id, Ct))!.Webhook.Description);
    }

    [Fact]
    public async Task WebhookStore_DeleteWhileTheCountKeepsChanging_GivesUpAndKeepsTheWebhook()
    {
        var id = (await new WebhookStore(_plain, _time).CreateAsync(_scope, "https://hooks.example.com/a", ["*"], null, Ct))!.Stored.Webhook.Id;
        _rival.Touches(StorageNames.WebhooksTable, _scope.PartitionKey, WebhookKeys.Count);

        await Assert.ThrowsAsync<WriteConflictException>(() => new WebhookStore(_contended, _time).DeleteAsync(_scope, id, ifMatch: null, Ct));

        Assert.Equal(Attempts, _rival.Wins);
        Assert.NotNull(await new WebhookStore(_plain, _time).GetAsync(_scope, id, Ct));
    }

    private static Post NewPost(string url = "https://cdn.example.com/clip.mp4")
    {
        var now = TimeProvider.System.GetUtcNow();
        return new Post(Guid.NewGuid().ToString(), "Hello", new PostMedia(MediaType.Video, [url]), null, null, now, now, null, PostStatus.Pending,
            [new AccountState("a1", Platform.Tiktok, AccountType.Hosted, PostStatus.Pending)], new MediaState(Guid.NewGuid().ToString("N"), Ready: false, NeedsRehost: false));
    }

    private async Task<StoredPost> CreatePostAsync(string url = "https://cdn.example.com/clip.mp4")
    {
        var content = new PostContent("Hello", new PostMedia(MediaType.Video, [url]), [new PostTarget("a1", Platform.Tiktok, AccountType.Hosted)], null, PostStatus.Pending, null);
        return (await Service(_plain).CreateAsync(_scope, content, null, null, Ct)).Post!;
    }

    private void TouchCounters() =>
        _rival.Touches(StorageNames.PostsTable, _scope.PartitionKey, [.. Enumerable.Range(0, PostKeys.CounterShards).Select(PostKeys.Counter)]);

    private PostService Service(StorageClients storage) => new(
        new PostStore(storage), new PostSchedule(storage, _time), new MediaWork(storage), new PublishNow(storage, _time), new PostValidation(new AccountStore(storage, _time), new MediaAddressRule(Options.Create(new MediaOptions())), _time), storage.Conflicts, _time);

    private AnalyticsStore Analytics(StorageClients storage) =>
        new(storage, new DailySnapshotIndex(storage), new WebhookOutbox(storage, new WebhookStore(storage, _time), _time, NullLogger<WebhookOutbox>.Instance), _time);

    private AnalyticsRefreshes Refreshes(StorageClients storage) => new(
        Analytics(storage), new CreditLedger(storage, _time, _cache), new AnalyticsWork(storage), new DailySnapshotIndex(storage), new StatsConnectors([]),
        storage.Conflicts, _time, NullLogger<AnalyticsRefreshes>.Instance);

    private PostDispatcher Dispatcher(StorageClients storage)
    {
        var accounts = new AccountStore(storage, _time);
        return new PostDispatcher(
            new PostSchedule(storage, _time), new PostStore(storage), accounts, new AccountCredentials(accounts, Options.Create(new PlatformsOptions())), [],
            new MediaSigner(storage, Options.Create(new MediaOptions()), _time), new PlatformPostMap(storage, _time), storage.Conflicts,
            Options.Create(new PublishingOptions()), _time, NullLogger<PostDispatcher>.Instance);
    }
}
