using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Platforms.Publishing;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Publishing;

/// <summary>What is due, what waits, retries with backoff, claims under races and crashes, stale index entries.</summary>
public sealed class DispatchTests(PublishingFactory factory) : PublishingTestBase(factory), IClassFixture<PublishingFactory>
{
    private static readonly TimeSpan PastAnyBackoff = TimeSpan.FromHours(2);

    [Fact]
    public async Task ScheduledPost_BeforeAndAtItsTime_PublishedOnlyOnceDue()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var body = Video(caption, account.Id);
        body["scheduled_at"] = Factory.Time.GetUtcNow().AddMinutes(10).ToString("O");
        var id = await CreateReadyAsync(tenant, client, body);

        await TickAsync();
        var before = PublishedWith(caption).Count;
        Advance(TimeSpan.FromMinutes(10));
        await TickAsync();

        Assert.Equal(0, before);
        Assert.Single(PublishedWith(caption));
        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.Empty(await IndexRowsAsync(tenant, id));
    }

    [Fact]
    public async Task TransientFailure_ThenSuccess_RetriesAfterBackoffAndCountsAttempts()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await FailNextAsync("tiktok", await TokenOfAsync(tenant, account), 429, message: "Too many posts right now");

        await TickAsync();
        var retrying = await GetPostAsync(client, id);
        var rows = await IndexRowsAsync(tenant, id);
        await TickAsync();
        var publishedTooSoon = PublishedWith(caption).Count;
        Advance(PastAnyBackoff);
        await TickAsync();

        Assert.Equal("retry", retrying.GetProperty("status").GetString());
        var state = State(retrying, account.Id);
        Assert.Equal("retry", state.GetProperty("status").GetString());
        Assert.Equal(1, state.GetProperty("attempts").GetInt32());
        Assert.Contains("Too many posts right now", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, state.GetProperty("last_attempted_at").ValueKind);
        var next = Assert.Single(rows).DueAt!.Value;
        Assert.InRange(next - Factory.Time.GetUtcNow() + PastAnyBackoff, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
        Assert.Equal(0, publishedTooSoon);
        var posted = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("posted", posted.GetProperty("status").GetString());
        Assert.Equal(2, posted.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, posted.GetProperty("error_message").ValueKind);
        Assert.Single(PublishedWith(caption));
    }

    [Fact]
    public async Task TransientFailure_FiveTimes_FailedAfterMaxAttemptsWithGrowingBackoff()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var id = await CreateReadyAsync(tenant, client, Video(Caption(), account.Id));
        await FailNextAsync("tiktok", await TokenOfAsync(tenant, account), 503, count: 5, message: "Service unavailable");
        var delays = new List<TimeSpan>();

        for (var i = 0; i < 5; i++)
        {
            await TickAsync();
            var stored = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.States[0];
            if (stored.Publishing?.NextAttemptAt is { } at)
            {
                delays.Add(at - Factory.Time.GetUtcNow());
            }

            Advance(PastAnyBackoff);
        }

        var post = await GetPostAsync(client, id);
        Assert.Equal("failed", post.GetProperty("status").GetString());
        var state = State(post, account.Id);
        Assert.Equal(5, state.GetProperty("attempts").GetInt32());
        Assert.Contains("Service unavailable", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Contains("5 attempts", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, delays.Count);
        Assert.True(delays[3] > delays[0] * 3, string.Join(", ", delays));
        Assert.Empty(await IndexRowsAsync(tenant, id));
    }

    [Theory]
    [InlineData(Platform.Instagram, "instagram", 429)]
    [InlineData(Platform.Instagram, "instagram", 500)]
    [InlineData(Platform.Youtube, "youtube", 429)]
    [InlineData(Platform.Youtube, "youtube", 503)]
    [InlineData(Platform.Tiktok, "tiktok", 500)]
    public async Task TransientFailure_EachPlatform_RetryThenPosted(Platform platform, string name, int status)
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, platform);
        using var client = Factory.CreateClient(tenant.Token);
        var id = await CreateReadyAsync(tenant, client, Video(Caption(), account.Id));
        await FailNextAsync(name, await TokenOfAsync(tenant, account), status);

        await TickAsync();
        var retrying = State(await GetPostAsync(client, id), account.Id);
        Advance(PastAnyBackoff);
        await TickAsync();

        Assert.Equal("retry", retrying.GetProperty("status").GetString());
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), retrying.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Equal("posted", State(await GetPostAsync(client, id), account.Id).GetProperty("status").GetString());
    }

    [Fact]
    public async Task MediaThePlatformCannotFetch_FailedWithThePlatformReason()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var body = Video(caption, account.Id);
        body["media"]!["url"] = Factory.MediaUrl("clip.mp4").Replace("/_sim/media/", "/_sim/missing/", StringComparison.Ordinal);
        var id = await CreateReadyAsync(tenant, client, body);

        await TickAsync();

        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("failed", state.GetProperty("status").GetString());
        Assert.Contains("url_download_failed", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Contains(Sim.MediaFetches, f => f.Url == body["media"]!["url"]!.GetValue<string>() && f.Status == 404);
        Assert.Empty(PublishedWith(caption));
    }

    [Fact]
    public async Task PermanentFailure_Failed_WithThePlatformMessageAfterOneAttempt()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await FailNextAsync("tiktok", await TokenOfAsync(tenant, account), 400, message: "Video duration is too long");

        await TickAsync();
        Advance(PastAnyBackoff);
        await TickAsync();

        var post = await GetPostAsync(client, id);
        Assert.Equal("failed", post.GetProperty("status").GetString());
        var state = State(post, account.Id);
        Assert.Equal(1, state.GetProperty("attempts").GetInt32());
        Assert.Contains("Video duration is too long", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Empty(PublishedWith(caption));
    }

    [Fact]
    public async Task ExpiredToken_RefreshedOnce_PublishedAndNewTokenStored()
    {
        var tenant = await Factory.CreateTenantAsync();
        var oldToken = "expired-" + Guid.NewGuid().ToString("N");
        var account = await AddByoAsync(tenant, Platform.Tiktok, oldToken, "refresh-" + Guid.NewGuid().ToString("N"));
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await RejectTokenAsync(oldToken);
        var refreshesBefore = Sim.Requests.Count(r => r.PathAndQuery == "/v2/oauth/token/");

        await TickAsync();

        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.Single(PublishedWith(caption));
        var credentials = await Factory.Accounts.GetCredentialsAsync(tenant.Scope, account.Id, Ct);
        Assert.NotEqual(oldToken, credentials!.AccessToken);
        Assert.StartsWith("act.", credentials.AccessToken, StringComparison.Ordinal);
        Assert.StartsWith("rft.", credentials.RefreshToken, StringComparison.Ordinal);
        var refresh = Assert.Single(Sim.Requests.Skip(0).Where(r => r.PathAndQuery == "/v2/oauth/token/").Skip(refreshesBefore));
        Assert.Contains("grant_type=refresh_token", refresh.Body, StringComparison.Ordinal);
        Assert.Contains("client_key=tiktok-client", refresh.Body, StringComparison.Ordinal);
        Assert.Contains(Sim.Requests, r => r.Body.Contains(caption, StringComparison.Ordinal) && r.Authorization == "Bearer " + credentials.AccessToken);
    }

    [Theory]
    [InlineData(Platform.Instagram, "/refresh_access_token")]
    [InlineData(Platform.Youtube, "/token")]
    public async Task ExpiredToken_OtherPlatforms_RefreshedThroughTheirTokenEndpoint(Platform platform, string tokenPath)
    {
        var tenant = await Factory.CreateTenantAsync();
        var oldToken = "expired-" + Guid.NewGuid().ToString("N");
        var account = await AddByoAsync(tenant, platform, oldToken, "refresh-" + Guid.NewGuid().ToString("N"));
        using var client = Factory.CreateClient(tenant.Token);
        var id = await CreateReadyAsync(tenant, client, Video(Caption(), account.Id));
        await RejectTokenAsync(oldToken, refreshable: true);

        await TickAsync();

        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.NotEqual(oldToken, (await Factory.Accounts.GetCredentialsAsync(tenant.Scope, account.Id, Ct))!.AccessToken);
        Assert.Contains(Sim.Requests, r => r.PathAndQuery.StartsWith(tokenPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokedCredentials_RefreshRefused_FailedWithoutRetry()
    {
        var tenant = await Factory.CreateTenantAsync();
        var token = "revoked-" + Guid.NewGuid().ToString("N");
        var refresh = "revoked-refresh-" + Guid.NewGuid().ToString("N");
        var account = await AddByoAsync(tenant, Platform.Tiktok, token, refresh);
        using var client = Factory.CreateClient(tenant.Token);
        var id = await CreateReadyAsync(tenant, client, Video(Caption(), account.Id));
        await RejectTokenAsync(token);
        await RejectTokenAsync(refresh);

        await TickAsync();

        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("failed", state.GetProperty("status").GetString());
        Assert.Contains("access_token_invalid", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Equal(token, (await Factory.Accounts.GetCredentialsAsync(tenant.Scope, account.Id, Ct))!.AccessToken);
        Assert.Empty(await IndexRowsAsync(tenant, id));
    }

    [Fact]
    public async Task TwoDispatchers_RacingOnTheSameDuePosts_PublishEachStateOnce()
    {
        var tenant = await Factory.CreateTenantAsync();
        var tiktok = await AddByoAsync(tenant, Platform.Tiktok);
        var instagram = await AddByoAsync(tenant, Platform.Instagram);
        using var client = Factory.CreateClient(tenant.Token);
        var captions = Enumerable.Range(0, 8).Select(_ => Caption()).ToList();
        var ids = new List<string>();
        foreach (var caption in captions)
        {
            ids.Add(await CreateReadyAsync(tenant, client, Video(caption, tiktok.Id, instagram.Id)));
        }

        var a = Factory.NewDispatcher();
        var b = Factory.NewDispatcher();
        await Task.WhenAll(a.RunAsync(Ct), b.RunAsync(Ct), a.RunAsync(Ct), b.RunAsync(Ct));

        foreach (var caption in captions)
        {
            var published = PublishedWith(caption);
            Assert.Single(published, p => p.Platform == "tiktok");
            Assert.Single(published, p => p.Platform == "instagram");
        }

        foreach (var id in ids)
        {
            Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task AbandonedClaim_AfterTheClaimTimeout_RecoveredAndPublishedOnce()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await ClaimAsDeadDispatcherAsync(tenant, id);

        await TickAsync();
        var whileClaimed = PublishedWith(caption).Count;
        Advance(TimeSpan.FromMinutes(16));
        await TickAsync();
        Advance(PastAnyBackoff);
        await TickAsync();

        Assert.Equal(0, whileClaimed);
        Assert.Single(PublishedWith(caption));
        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.Empty(await IndexRowsAsync(tenant, id));
    }

    [Fact]
    public async Task PatchWhileClaimed_ClaimKept_NotPublishedUntilItExpires()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await ClaimAsDeadDispatcherAsync(tenant, id);

        using var patched = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = caption + " edited" });
        await TickAsync();
        var whileClaimed = PublishedWith(caption).Count;
        var claim = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.States[0].Publishing?.ClaimId;
        Advance(TimeSpan.FromMinutes(16));
        await TickAsync();

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(0, whileClaimed);
        Assert.Equal("dead-dispatcher", claim);
        Assert.Equal(caption + " edited", Assert.Single(PublishedWith(caption)).Caption);
    }

    [Fact]
    public async Task MediaNotReady_Waits_ThenPublishedOnceReady()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateAsync(client, Video(caption, account.Id));

        await TickAsync();
        var waiting = await IndexRowsAsync(tenant, id);
        var whileNotReady = PublishedWith(caption).Count;
        await SetMediaReadyAsync(tenant, id);
        Advance(TimeSpan.FromMinutes(2));
        await TickAsync();

        Assert.Equal(0, whileNotReady);
        Assert.True(Assert.Single(waiting).DueAt > Factory.Time.GetUtcNow() - TimeSpan.FromMinutes(2));
        Assert.Single(PublishedWith(caption));
        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task MediaNeverReady_AfterTheGiveUpTime_FailsAsUnreachable_AndRetryFetchesItAgain()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateAsync(client, Video(caption, account.Id));
        var version = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.MediaState.Version;

        Advance(TimeSpan.FromMinutes(59));
        await TickAsync();
        var beforeGiveUp = (await GetPostAsync(client, id)).GetProperty("status").GetString();
        Advance(TimeSpan.FromMinutes(2));
        await TickAsync();

        Assert.Equal("pending", beforeGiveUp);
        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("failed", state.GetProperty("status").GetString());
        Assert.StartsWith("media_unreachable: the media was not processed within", state.GetProperty("error_message").GetString(), StringComparison.Ordinal);
        Assert.Empty(PublishedWith(caption));
        Assert.Empty(await IndexRowsAsync(tenant, id));

        using var retried = await PostJsonAsync(client, "/api/partner/v1/posts/retry", new JsonObject { ["post_ids"] = new JsonArray(id) });
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var media = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.MediaState;
        Assert.NotEqual(version, media.Version);
        Assert.False(media.Failed);
    }

    [Fact]
    public async Task StaleEntry_DeletedPost_KeptWhileAWriteMayStillLand_ThenRemoved()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        using var deleted = await PostJsonAsync(client, "/api/partner/v1/posts/delete", new JsonObject { ["post_ids"] = new JsonArray(id) });
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await Factory.Services.GetRequiredService<PostSchedule>().AddAsync(tenant.Scope, id, Factory.Time.GetUtcNow(), Ct);

        await TickAsync();

        // An entry is written before its post: for all the tick knows, a create is on its way.
        Assert.Single(await IndexRowsAsync(tenant, id));

        Advance(PendingWrites.Window + TimeSpan.FromMinutes(1));
        await TickAsync();

        Assert.Empty(PublishedWith(caption));
        Assert.Empty(await IndexRowsAsync(tenant, id));
    }

    [Fact]
    public async Task EntryWrittenBeforeItsPost_TickInBetween_PostPublishedOnceItIsWritten()
    {
        var (tenant, _, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = Guid.NewGuid().ToString();
        var now = Factory.Time.GetUtcNow();
        // A create writes the due entry, then the post: here a tick runs between the two.
        await Factory.Services.GetRequiredService<PostSchedule>().AddAsync(tenant.Scope, id, now, Ct);
        await TickAsync();
        var post = new Post(id, caption, new PostMedia(MediaType.Video, [Factory.MediaUrl("clip.mp4", 300_000)]), null, null, now, now, null, PostStatus.Pending,
            [new AccountState(account.Id, Platform.Tiktok, AccountType.Byo, PostStatus.Pending)], new MediaState(Guid.CreateVersion7().ToString("N"), Ready: true, NeedsRehost: false));
        await Store.CreateAsync(await Store.BeginCreateAsync(tenant.Scope, post, null, Ct), Ct);

        await TickAsync();

        Assert.Single(PublishedWith(caption));
        Assert.Equal("posted", (await GetPostAsync(Factory.CreateClient(tenant.Token), id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task StaleEntry_Rescheduled_SkippedAndOnlyTheNewTimeKept()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var body = Video(caption, account.Id);
        var later = Factory.Time.GetUtcNow().AddHours(2);
        body["scheduled_at"] = later.ToString("O");
        var id = await CreateReadyAsync(tenant, client, body);
        await Factory.Services.GetRequiredService<PostSchedule>().AddAsync(tenant.Scope, id, Factory.Time.GetUtcNow(), Ct);

        await TickAsync();

        Assert.Empty(PublishedWith(caption));
        var row = Assert.Single(await IndexRowsAsync(tenant, id));
        Assert.Equal(PostSchedule.Bucket(later), row.Bucket);
    }

    [Fact]
    public async Task StaleEntry_AlreadyPosted_NotPublishedAgainAndRemoved()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await TickAsync();
        await Factory.Services.GetRequiredService<PostSchedule>().AddAsync(tenant.Scope, id, Factory.Time.GetUtcNow(), Ct);

        await TickAsync();

        Assert.Single(PublishedWith(caption));
        Assert.Empty(await IndexRowsAsync(tenant, id));
    }

    [Fact]
    public async Task RetryEndpoint_FailedPost_DispatchedAgainAndPosted()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        await FailNextAsync("tiktok", await TokenOfAsync(tenant, account), 403, message: "Posting is blocked for this account");
        await TickAsync();
        Assert.Equal("failed", (await GetPostAsync(client, id)).GetProperty("status").GetString());

        using var retry = await PostJsonAsync(client, "/api/partner/v1/posts/retry", new JsonObject { ["post_ids"] = new JsonArray(id) });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var queued = await GetPostAsync(client, id);
        var rows = await IndexRowsAsync(tenant, id);
        await TickAsync();

        Assert.Equal("retry", queued.GetProperty("status").GetString());
        Assert.NotEmpty(rows);
        var post = await GetPostAsync(client, id);
        Assert.Equal("posted", post.GetProperty("status").GetString());
        Assert.Equal(1, State(post, account.Id).GetProperty("attempts").GetInt32());
        Assert.Single(PublishedWith(caption));
    }

    [Fact]
    public async Task PlatformStillProcessing_PolledOnTheNextAttemptWithoutUploadingAgain()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        Sim.ProcessingChecks = 5;
        try
        {
            await TickAsync();
            var processing = State(await GetPostAsync(client, id), account.Id);
            Advance(PastAnyBackoff);
            await TickAsync();

            Assert.Equal("retry", processing.GetProperty("status").GetString());
        }
        finally
        {
            Sim.ProcessingChecks = 1;
        }

        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
        Assert.Single(Sim.Requests, r => r.PathAndQuery == "/v2/post/publish/video/init/" && r.Body.Contains(caption, StringComparison.Ordinal));
        Assert.Single(PublishedWith(caption));
    }

    [Fact]
    public async Task DispatcherDiesAfterTikTokStartedTheJob_TheNextPollsThatJob_PublishedOnce()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));

        await DyingDispatcher(afterJobStarted: true).RunAsync(Ct);

        var job = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.States[0].Publishing?.PlatformJobId;
        Advance(TimeSpan.FromMinutes(16));
        await TickAsync();

        Assert.NotNull(job);
        Assert.Single(PublishedWith(caption));
        Assert.Single(Sim.Requests, r => r.PathAndQuery.StartsWith("/v2/post/publish/video/init/", StringComparison.Ordinal) && r.Body.Contains(caption, StringComparison.Ordinal));
        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task DispatcherDiesAfterInstagramPublished_TheNextFindsThePublishedContainer_PublishedOnce()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Instagram);
        using var client = Factory.CreateClient(tenant.Token);
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));

        await DyingDispatcher(afterJobStarted: false).RunAsync(Ct);

        var published = PublishedWith(caption).Count;
        Advance(TimeSpan.FromMinutes(16));
        await TickAsync();

        Assert.Equal(1, published);
        Assert.Single(PublishedWith(caption));
        var state = State(await GetPostAsync(client, id), account.Id);
        Assert.Equal("posted", state.GetProperty("status").GetString());
        Assert.StartsWith("https://www.instagram.com/", state.GetProperty("published_url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteWhileThePlatformPublishes_IsBlocked_AndTheResultIsKept()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var caption = Caption();
        var id = await CreateReadyAsync(tenant, client, Video(caption, account.Id));
        HttpResponseMessage? deleteDuringPublish = null;
        var dispatcher = Factory.NewDispatcher(Factory.Services.GetServices<IPlatformPublisher>().Select(p => (IPlatformPublisher)new Meanwhile(p, async () =>
            deleteDuringPublish = await PostJsonAsync(client, "/api/partner/v1/posts/delete", new JsonObject { ["post_ids"] = new JsonArray(id) }))).ToList());

        await dispatcher.RunAsync(Ct);

        using (deleteDuringPublish)
        {
            var data = await EnvelopeAssert.SuccessAsync(deleteDuringPublish!, HttpStatusCode.OK, "Posts deleted");
            Assert.Empty(data.GetProperty("deletedIds").EnumerateArray());
            Assert.Equal(id, Assert.Single(data.GetProperty("blockedStatuses").EnumerateArray()).GetProperty("id").GetString());
        }

        Assert.Single(PublishedWith(caption));
        Assert.Equal("posted", (await GetPostAsync(client, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task DeleteOfAPostWhoseDispatcherDied_BlockedUntilTheClaimExpires()
    {
        var (tenant, client, account) = await ByoTikTokAsync();
        var id = await CreateReadyAsync(tenant, client, Video(Caption(), account.Id));
        await ClaimAsDeadDispatcherAsync(tenant, id);

        using var whileClaimed = await PostJsonAsync(client, "/api/partner/v1/posts/delete", new JsonObject { ["post_ids"] = new JsonArray(id) });
        var blocked = await EnvelopeAssert.SuccessAsync(whileClaimed, HttpStatusCode.OK, "Posts deleted");
        Advance(TimeSpan.FromMinutes(16));
        using var afterExpiry = await PostJsonAsync(client, "/api/partner/v1/posts/delete", new JsonObject { ["post_ids"] = new JsonArray(id) });
        var deleted = await EnvelopeAssert.SuccessAsync(afterExpiry, HttpStatusCode.OK, "Posts deleted");

        Assert.Equal(id, Assert.Single(blocked.GetProperty("blockedStatuses").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(id, Assert.Single(deleted.GetProperty("deletedIds").EnumerateArray()).GetString());
    }

    /// <summary>
    /// A dispatcher whose process dies in the middle of an attempt: right after the platform started the job (and it was
    /// recorded), or right after the platform published the post. Its claim stays, and no result is written.
    /// </summary>
    private PostDispatcher DyingDispatcher(bool afterJobStarted) =>
        Factory.NewDispatcher(Factory.Services.GetServices<IPlatformPublisher>().Select(p => (IPlatformPublisher)new Dying(p, afterJobStarted)).ToList());

    private sealed class Dying(IPlatformPublisher inner, bool afterJobStarted) : IPlatformPublisher
    {
        public Platform Platform => inner.Platform;

        public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(afterJobStarted ? request with { JobStarted = Die(request) } : request, cancellationToken);
            throw new InvalidOperationException("The process died here.");
        }

        public Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken) => inner.RefreshAsync(credentials, cancellationToken);

        private static Func<string, CancellationToken, Task> Die(PublishRequest request) => async (job, ct) =>
        {
            await request.StartedAsync(job, ct);
            throw new InvalidOperationException("The process died here.");
        };
    }

    /// <summary>Runs <paramref name="meanwhile"/> after the platform published and before the dispatcher gets the answer.</summary>
    private sealed class Meanwhile(IPlatformPublisher inner, Func<Task> meanwhile) : IPlatformPublisher
    {
        public Platform Platform => inner.Platform;

        public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            var outcome = await inner.PublishAsync(request, cancellationToken);
            await meanwhile();
            return outcome;
        }

        public Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken) => inner.RefreshAsync(credentials, cancellationToken);
    }

    private async Task<(Tenant Tenant, HttpClient Client, SocialAccount Account)> ByoTikTokAsync()
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await AddByoAsync(tenant, Platform.Tiktok);
        return (tenant, Factory.CreateClient(tenant.Token), account);
    }

    /// <summary>What a dispatcher that died right after claiming leaves: the claim, and the entry at its expiry.</summary>
    private async Task ClaimAsDeadDispatcherAsync(Tenant tenant, string id)
    {
        var until = Factory.Time.GetUtcNow().AddMinutes(15);
        await Factory.Services.GetRequiredService<PostSchedule>().AddAsync(tenant.Scope, id, until, Ct);
        var stored = await Store.GetAsync(tenant.Scope, id, Ct);
        var states = stored!.Post.States.Select(s => s with { Publishing = new PublishProgress("dead-dispatcher", until, null, null) }).ToList();
        await Store.UpdateAsync(tenant.Scope, stored, stored.Post with { States = states }, Ct);
    }
}
