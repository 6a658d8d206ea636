using System.Net;
using System.Text.Json;
using Genviral.Core.Analytics;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Analytics;

/// <summary>Free and paid refreshes, credits, conflicts, bursts, failures and redelivery. The fake clock starts at <see cref="AnalyticsFactory.Start"/>.</summary>
public sealed class RefreshTests(AnalyticsFactory factory) : AnalyticsTestBase(factory), IClassFixture<AnalyticsFactory>
{
    [Fact]
    public async Task Refresh_FirstOfTheDay_IsFreeAndCompletesWithTheSnapshot()
    {
        var (tenant, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("tiktok", handle, 1200);
        await Factory.SeedVideoAsync("tiktok", handle, "9001", Factory.Time.GetUtcNow().AddDays(-2), 1000, 100, 10, 5);
        await Factory.SeedVideoAsync("tiktok", handle, "9002", Factory.Time.GetUtcNow().AddDays(-1), 500, 50, 5, 1);
        var id = await CreateTargetIdAsync(client, "tiktok", "@" + handle.ToUpperInvariant());

        var data = await RefreshOkAsync(client, id);

        Assert.True(data.GetProperty("wasFree").GetBoolean());
        var refresh = data.GetProperty("refresh");
        Assert.Equal("pending", refresh.GetProperty("status").GetString());
        Assert.Equal(id, refresh.GetProperty("target_id").GetString());
        Assert.Equal(tenant.Scope.WorkspaceId, refresh.GetProperty("workspace_id").GetString());
        Assert.True(refresh.GetProperty("free_refresh_used").GetBoolean());
        Assert.Equal(0, refresh.GetProperty("credits_used").GetInt32());
        Assert.Equal(JsonValueKind.Null, refresh.GetProperty("completed_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, refresh.GetProperty("error").ValueKind);
        var pendingRow = await TargetRowAsync(client, id);
        Assert.Equal("pending", pendingRow.GetProperty("last_refresh").GetProperty("status").GetString());
        Assert.False(pendingRow.GetProperty("free_refresh_available").GetBoolean());

        await Factory.DrainRefreshQueueAsync();

        var now = Factory.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var done = await GetRefreshAsync(client, refresh.GetProperty("id").GetString()!);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(now, done.GetProperty("completed_at").GetString());
        var row = await TargetRowAsync(client, id);
        var snapshot = row.GetProperty("latest_snapshot");
        Assert.Equal(1200, snapshot.GetProperty("followers").GetInt64());
        Assert.Equal(1500, snapshot.GetProperty("views").GetInt64());
        Assert.Equal(150, snapshot.GetProperty("likes").GetInt64());
        Assert.Equal("completed", row.GetProperty("last_refresh").GetProperty("status").GetString());
        Assert.Equal(now, row.GetProperty("last_refreshed_at").GetString());
        Assert.Equal(0, await CreditsUsedAsync(tenant));
    }

    [Fact]
    public async Task Refresh_SecondOfTheDay_ChargesExactlyOneCredit()
    {
        var (tenant, client) = await TenantAsync(credits: 3);
        var id = await SeededTargetAsync(client);
        await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();

        var data = await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();

        Assert.False(data.GetProperty("wasFree").GetBoolean());
        Assert.Equal(1, data.GetProperty("refresh").GetProperty("credits_used").GetInt32());
        Assert.False(data.GetProperty("refresh").GetProperty("free_refresh_used").GetBoolean());
        Assert.Equal(1, await CreditsUsedAsync(tenant));
        Assert.Equal("completed", (await GetRefreshAsync(client, data.GetProperty("refresh").GetProperty("id").GetString()!)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Refresh_AcrossTheUtcDayBoundary_IsFreeAgainOnlyAfterMidnight()
    {
        var (tenant, client) = await TenantAsync(credits: 5);
        var id = await SeededTargetAsync(client);
        await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();
        var midnight = new DateTimeOffset(Factory.Time.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

        Factory.Time.SetUtcNow(midnight.AddSeconds(-1));
        var beforeMidnight = await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();
        Factory.Time.SetUtcNow(midnight.AddSeconds(1));
        var rowAfterMidnight = await TargetRowAsync(client, id);
        var afterMidnight = await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();
        var rowAfterFree = await TargetRowAsync(client, id);

        Assert.False(beforeMidnight.GetProperty("wasFree").GetBoolean());
        Assert.True(rowAfterMidnight.GetProperty("free_refresh_available").GetBoolean());
        Assert.True(afterMidnight.GetProperty("wasFree").GetBoolean());
        Assert.False(rowAfterFree.GetProperty("free_refresh_available").GetBoolean());
        Assert.Equal(1, await CreditsUsedAsync(tenant));
    }

    [Fact]
    public async Task Refresh_PolicyTurnsFreeOff_FirstRefreshIsPaid()
    {
        var (tenant, client) = await TenantAsync(credits: 1);
        var id = await SeededTargetAsync(client);
        (await client.PatchAsync($"{Base}/targets/{id}", System.Net.Http.Json.JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();

        var data = await RefreshOkAsync(client, id);

        Assert.False(data.GetProperty("wasFree").GetBoolean());
        Assert.Equal(1, await CreditsUsedAsync(tenant));
    }

    [Fact]
    public async Task Refresh_NoCreditsLeft_Returns402AndWritesNoRefresh()
    {
        var (tenant, client) = await TenantAsync(credits: 1);
        var id = await SeededTargetAsync(client);
        await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();
        await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();
        var before = await TargetRowAsync(client, id);

        using var response = await RefreshAsync(client, id);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.PaymentRequired, "insufficient_credits");
        Assert.Equal(1, await CreditsUsedAsync(tenant));
        Assert.Equal(2, (await RowKeysAsync(tenant, "rfx|" + id)).Count);
        Assert.DoesNotContain(await Factory.PeekRefreshQueueAsync(), m => m.Contains(id, StringComparison.Ordinal));
        var after = await TargetRowAsync(client, id);
        Assert.Equal(before.GetProperty("last_refresh").GetProperty("id").GetString(), after.GetProperty("last_refresh").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Refresh_PlatformFails_RowSaysWhyAndTheCreditIsRefundedOnce()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var id = await CreateTargetIdAsync(client, "instagram", "@" + Handle());
        (await client.PatchAsync($"{Base}/targets/{id}", System.Net.Http.Json.JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        Assert.Equal(1, await CreditsUsedAsync(tenant));
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(refreshId, StringComparison.Ordinal));

        await Factory.DrainRefreshQueueAsync();
        await Factory.RunRefreshAsync(message, 2, "again");

        var refresh = await GetRefreshAsync(client, refreshId);
        Assert.Equal("failed", refresh.GetProperty("status").GetString());
        Assert.Contains("Instagram answered 400", refresh.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, refresh.GetProperty("credits_used").GetInt32());
        Assert.Equal(0, await CreditsUsedAsync(tenant));
        var row = await TargetRowAsync(client, id);
        Assert.Equal("failed", row.GetProperty("last_refresh").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("latest_snapshot").ValueKind);
        var next = await RefreshOkAsync(client, id);
        Assert.False(next.GetProperty("wasFree").GetBoolean());
    }

    [Fact]
    public async Task RunAnalyticsRefresh_PlatformOutage_RetriesThenFailsOnTheLastAttemptAndRefunds()
    {
        var (tenant, client) = await TenantAsync(credits: 1);
        var handle = Handle();
        await Factory.SeedProfileAsync("youtube", handle, 8);
        var id = await CreateTargetIdAsync(client, "youtube", "@" + handle);
        (await client.PatchAsync($"{Base}/targets/{id}", System.Net.Http.Json.JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();
        await Factory.SetOutageAsync(handle, 503);
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(refreshId, StringComparison.Ordinal));

        var retry = await Record.ExceptionAsync(() => Factory.RunRefreshAsync(message, 1, "m"));
        var during = await GetRefreshAsync(client, refreshId);
        var usedDuring = await CreditsUsedAsync(tenant);
        await Factory.RunRefreshAsync(message, 5, "m");
        await Factory.SetOutageAsync(handle, null);

        Assert.IsType<Genviral.Core.Platforms.Stats.PlatformStatsException>(retry);
        Assert.Equal("processing", during.GetProperty("status").GetString());
        Assert.Equal(1, usedDuring);
        var failed = await GetRefreshAsync(client, refreshId);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("503", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CreditsUsedAsync(tenant));
        using var next = await RefreshAsync(client, id);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task DeleteTarget_WithAPendingPaidRefresh_RefundsItsCredit()
    {
        var (tenant, client) = await TenantAsync(credits: 1);
        var id = await SeededTargetAsync(client);
        (await client.PatchAsync($"{Base}/targets/{id}", System.Net.Http.Json.JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();
        await RefreshOkAsync(client, id);
        Assert.Equal(1, await CreditsUsedAsync(tenant));

        using var response = await client.DeleteAsync($"{Base}/targets/{id}", Ct);
        await Factory.DrainRefreshQueueAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await CreditsUsedAsync(tenant));
        Assert.Empty(await RowKeysAsync(tenant, "refresh|"));
    }

    [Fact]
    public async Task Refresh_WhilePending_Returns409AndChargesNothing()
    {
        var (tenant, client) = await TenantAsync(credits: 3);
        var id = await SeededTargetAsync(client);
        await RefreshOkAsync(client, id);

        using var response = await RefreshAsync(client, id);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "analytics_conflict");
        Assert.Equal(0, await CreditsUsedAsync(tenant));
        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id));
        Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_ConcurrentCalls_OneRefreshAndTheOthersConflict()
    {
        var (tenant, client) = await TenantAsync(credits: 5);
        var id = await SeededTargetAsync(client);
        await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RefreshAsync(client, id)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await CreditsUsedAsync(tenant));
        Assert.Equal(2, (await RowKeysAsync(tenant, "rfx|" + id)).Count);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Refresh_SixthCallWithinAMinute_Returns429WithRetryAfter()
    {
        var (tenant, client) = await TenantAsync();
        var id = await SeededTargetAsync(client);
        var start = Factory.Time.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            using var r = await RefreshAsync(client, id);
            Assert.Equal(i == 0 ? HttpStatusCode.OK : HttpStatusCode.Conflict, r.StatusCode);
            Factory.Time.Advance(TimeSpan.FromSeconds(10));
        }

        using var limited = await RefreshAsync(client, id);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Factory.Time.SetUtcNow(start.AddSeconds(61));
        using var later = await RefreshAsync(client, id);

        await EnvelopeAssert.ErrorAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);
        await EnvelopeAssert.ErrorAsync(later, HttpStatusCode.Conflict, "analytics_conflict");
        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id));
    }

    [Fact]
    public async Task RunAnalyticsRefresh_MessageDeliveredTwice_RefreshesOnce()
    {
        var (tenant, client) = await TenantAsync();
        var id = await SeededTargetAsync(client);
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(refreshId, StringComparison.Ordinal));
        await Factory.DrainRefreshQueueAsync();
        var first = await GetRefreshAsync(client, refreshId);
        Factory.Time.Advance(TimeSpan.FromMinutes(5));

        await Factory.RunRefreshAsync(message, 1, "dup");

        var second = await GetRefreshAsync(client, refreshId);
        Assert.Equal(first.GetProperty("completed_at").GetString(), second.GetProperty("completed_at").GetString());
        Assert.Single(await RowKeysAsync(tenant, "snap|" + id));
        Assert.Equal(first.GetProperty("completed_at").GetString(), (await TargetRowAsync(client, id)).GetProperty("last_refreshed_at").GetString());
    }

    [Fact]
    public async Task FailAsync_Twice_FailsAndRefundsOnceAndLeavesCompletedRefreshesAlone()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var id = await SeededTargetAsync(client);
        (await client.PatchAsync($"{Base}/targets/{id}", System.Net.Http.Json.JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();
        var refreshes = (AnalyticsRefreshes)Factory.Services.GetService(typeof(AnalyticsRefreshes))!;
        var failedId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;

        await refreshes.FailAsync(tenant.Scope, failedId, "gave up", Ct);
        await refreshes.FailAsync(tenant.Scope, failedId, "gave up again", Ct);
        await Factory.DrainRefreshQueueAsync();
        var completedId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        await Factory.DrainRefreshQueueAsync();
        await refreshes.FailAsync(tenant.Scope, completedId, "too late", Ct);

        var failed = await GetRefreshAsync(client, failedId);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("gave up", failed.GetProperty("error").GetString());
        Assert.Equal("completed", (await GetRefreshAsync(client, completedId)).GetProperty("status").GetString());
        Assert.Equal(1, await CreditsUsedAsync(tenant));
    }

    [Fact]
    public async Task Refresh_InstagramAndYouTube_ReadTheirPlatformsOverHttp()
    {
        var (_, client) = await TenantAsync();
        var ig = Handle();
        var yt = Handle();
        await Factory.SeedProfileAsync("instagram", ig, 300);
        await Factory.SeedVideoAsync("instagram", ig, "1790001", Factory.Time.GetUtcNow().AddDays(-3), 900, 90, 9, 0);
        await Factory.SeedProfileAsync("youtube", yt, 4000);
        await Factory.SeedVideoAsync("youtube", yt, "dQw4w9WgXcQ", Factory.Time.GetUtcNow().AddDays(-4), 7000, 700, 70, 0);
        await Factory.SeedVideoAsync("youtube", yt, "aaaaaaaaaaa", Factory.Time.GetUtcNow().AddDays(-5), 3000, 300, 30, 0);
        var igId = await CreateTargetIdAsync(client, "instagram", "@" + ig);
        var ytId = await CreateTargetIdAsync(client, "youtube", "@" + yt);

        await RefreshOkAsync(client, igId);
        await RefreshOkAsync(client, ytId);
        await Factory.DrainRefreshQueueAsync();

        var igRow = (await TargetRowAsync(client, igId)).GetProperty("latest_snapshot");
        var ytRow = (await TargetRowAsync(client, ytId)).GetProperty("latest_snapshot");
        Assert.Equal((300, 900, 90), (igRow.GetProperty("followers").GetInt64(), igRow.GetProperty("views").GetInt64(), igRow.GetProperty("likes").GetInt64()));
        Assert.Equal((4000, 10000, 1000), (ytRow.GetProperty("followers").GetInt64(), ytRow.GetProperty("views").GetInt64(), ytRow.GetProperty("likes").GetInt64()));
        using var response = await client.GetAsync($"{Base}/summary/posts?accounts={ytId}&sortBy=views&sortOrder=asc", Ct);
        var posts = (await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics posts retrieved")).GetProperty("posts");
        Assert.Equal<string>(["aaaaaaaaaaa", "dQw4w9WgXcQ"], [.. posts.EnumerateArray().Select(p => p.GetProperty("platformPostId").GetString()!)]);
        Assert.Equal(45, posts[0].GetProperty("durationSeconds").GetDouble());
        Assert.Equal("https://www.youtube.com/watch?v=aaaaaaaaaaa", posts[0].GetProperty("permalink").GetString());
        Assert.Equal("@" + yt, posts[0].GetProperty("accountIdentifier").GetString());
    }

    [Fact]
    public async Task Request_PutsARecoveryMessageBeforeItCharges()
    {
        var (_, client) = await TenantAsync(credits: 2);
        var id = await SeededTargetAsync(client);
        var queue = Factory.Storage.Queue(Genviral.Core.Storage.StorageNames.AnalyticsRefreshQueue);
        var before = (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;

        await RefreshOkAsync(client, id);

        // The run message, visible now, and the recovery message, visible only after PendingWrites.Window.
        Assert.Equal(before + 2, (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecoveryMessage_RequestChargedThenDiedBeforeTheRefreshExisted_GivesTheCreditBack()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var id = await PaidTargetAsync(client);
        var refreshId = Guid.NewGuid().ToString();
        // What a request leaves when it dies between its charge and its create: the charge, and its recovery message.
        Assert.True(await Factory.Services.GetRequiredService<CreditLedger>().ChargeAsync(tenant.Scope, refreshId, 1, Ct));
        Assert.Equal(1, await CreditsUsedAsync(tenant));

        await Factory.RunRefreshAsync(RecoveryMessage(tenant, id, refreshId), 1, "recovery");

        Assert.Equal(0, await CreditsUsedAsync(tenant));
        var refresh = await GetRefreshAsync(client, refreshId);
        Assert.Equal("failed", refresh.GetProperty("status").GetString());
        // A request that comes back to life cannot create it any more; the target takes new refreshes.
        await Factory.RunRefreshAsync(RecoveryMessage(tenant, id, refreshId), 2, "recovery");
        Assert.Equal(0, await CreditsUsedAsync(tenant));
        Assert.False((await RefreshOkAsync(client, id)).GetProperty("wasFree").GetBoolean());
        Assert.Equal(1, await CreditsUsedAsync(tenant));
    }

    [Fact]
    public async Task RecoveryMessage_RequestDiedBeforeItsCharge_GivesNothingAndLeavesNoRow()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var id = await PaidTargetAsync(client);
        var refreshId = Guid.NewGuid().ToString();

        await Factory.RunRefreshAsync(RecoveryMessage(tenant, id, refreshId), 1, "recovery");

        Assert.Equal(0, await CreditsUsedAsync(tenant));
        Assert.Empty(await RowKeysAsync(tenant, "refresh|" + refreshId));
    }

    [Fact]
    public async Task RecoveryMessage_RequestLostItsRaceAndGaveItsCreditBack_LeavesNoRow()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var id = await PaidTargetAsync(client);
        var refreshId = Guid.NewGuid().ToString();
        // What a request that lost the race for its target (409) leaves: its charge, its refund, its recovery message.
        var ledger = Factory.Services.GetRequiredService<CreditLedger>();
        Assert.True(await ledger.ChargeAsync(tenant.Scope, refreshId, 1, Ct));
        Assert.True(await ledger.RefundAsync(tenant.Scope, refreshId, 1, Ct));

        await Factory.RunRefreshAsync(RecoveryMessage(tenant, id, refreshId), 1, "recovery");

        Assert.Equal(0, await CreditsUsedAsync(tenant));
        Assert.Empty(await RowKeysAsync(tenant, "refresh|" + refreshId));
    }

    [Fact]
    public async Task RecoveryMessage_RefreshCreatedButItsRunMessageLost_RunsIt()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var id = await PaidTargetAsync(client);
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        // The run message is lost (the request died before it was put): only the recovery message is left.
        var queue = Factory.Storage.Queue(Genviral.Core.Storage.StorageNames.AnalyticsRefreshQueue);
        foreach (var lost in (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), Ct)).Value.Where(m => m.Body.ToString().Contains(refreshId, StringComparison.Ordinal)))
        {
            await queue.DeleteMessageAsync(lost.MessageId, lost.PopReceipt, Ct);
        }

        await Factory.RunRefreshAsync(RecoveryMessage(tenant, id, refreshId), 1, "recovery");

        Assert.Equal("completed", (await GetRefreshAsync(client, refreshId)).GetProperty("status").GetString());
        Assert.Equal(1, await CreditsUsedAsync(tenant));
    }

    [Fact]
    public async Task CopyOfARunMessage_WhileAnotherDeliveryRunsIt_TriesAgainLaterWithoutRunningIt()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var id = await PaidTargetAsync(client);
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(refreshId, StringComparison.Ordinal));
        var entity = (await Factory.Store.GetRefreshEntityAsync(tenant.Scope, refreshId, Ct))!;
        await Factory.Store.MarkProcessingAsync(entity, "message-1", Factory.Time.GetUtcNow().AddMinutes(5), Ct);

        var copy = await Record.ExceptionAsync(() => Factory.RunRefreshAsync(message, 1, "message-2"));
        await Factory.RunRefreshAsync(message, 5, "message-2");
        var whileHeld = await GetRefreshAsync(client, refreshId);
        await Factory.RunRefreshAsync(message, 2, "message-1");

        Assert.IsType<RetryLaterException>(copy);
        Assert.Equal("processing", whileHeld.GetProperty("status").GetString());
        Assert.Equal("completed", (await GetRefreshAsync(client, refreshId)).GetProperty("status").GetString());
        Assert.Equal(1, await CreditsUsedAsync(tenant));
    }

    private async Task<string> PaidTargetAsync(HttpClient client)
    {
        var id = await SeededTargetAsync(client);
        (await client.PatchAsync($"{Base}/targets/{id}", System.Net.Http.Json.JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();
        return id;
    }

    private static string RecoveryMessage(Tenant tenant, string targetId, string refreshId) =>
        $$"""{"scope":"{{tenant.Scope.PartitionKey}}","target_id":"{{targetId}}","refresh_id":"{{refreshId}}","day":null}""";

    private async Task<string> SeededTargetAsync(HttpClient client)
    {
        var handle = Handle();
        await Factory.SeedProfileAsync("tiktok", handle, 50);
        await Factory.SeedVideoAsync("tiktok", handle, Random.Shared.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Factory.Time.GetUtcNow().AddDays(-1), 100, 10, 1, 1);
        return await CreateTargetIdAsync(client, "tiktok", handle);
    }
}
