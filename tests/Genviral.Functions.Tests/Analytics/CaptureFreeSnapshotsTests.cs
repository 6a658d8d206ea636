using System.Net.Http.Json;
using Genviral.Core.Analytics;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Tests.Analytics;

/// <summary>The daily capture over the per-day index. Each test moves the fake clock to a later day, so days never overlap between tests.</summary>
public sealed class CaptureFreeSnapshotsTests(AnalyticsFactory factory) : AnalyticsTestBase(factory), IClassFixture<AnalyticsFactory>
{
    [Fact]
    public async Task Capture_DueNewRefreshedOptedOutAndDeletedTargets_RefreshesExactlyTheDueOnes()
    {
        var (tenant, client) = await TenantAsync(credits: 5);
        NextDay();
        var due = await SeededTargetAsync(client);
        var refreshed = await SeededTargetAsync(client);
        var optedOut = await SeededTargetAsync(client);
        var deleted = await SeededTargetAsync(client);
        var day = NextDay();
        var created = await SeededTargetAsync(client);
        await RefreshOkAsync(client, refreshed);
        (await client.PatchAsync($"{Base}/targets/{optedOut}", JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();
        (await client.DeleteAsync($"{Base}/targets/{deleted}", Ct)).Dispose();

        await RunTimerAsync();
        await Factory.DrainRefreshQueueAsync();

        foreach (var id in new[] { due, created })
        {
            var refreshId = Assert.Single(await RowKeysAsync(tenant, "rfx|" + id))["rfx|".Length..].Split('|')[1];
            Assert.Equal(AnalyticsKeys.DailyRefreshId(id, day), refreshId);
            var refresh = await GetRefreshAsync(client, refreshId);
            Assert.Equal("completed", refresh.GetProperty("status").GetString());
            Assert.True(refresh.GetProperty("free_refresh_used").GetBoolean());
            var row = await TargetRowAsync(client, id);
            Assert.False(row.GetProperty("free_refresh_available").GetBoolean());
            Assert.Equal(50, row.GetProperty("latest_snapshot").GetProperty("followers").GetInt64());
        }

        var manual = Assert.Single(await RowKeysAsync(tenant, "rfx|" + refreshed));
        Assert.NotEqual(AnalyticsKeys.DailyRefreshId(refreshed, day), manual["rfx|".Length..].Split('|')[1]);
        Assert.Empty(await RowKeysAsync(tenant, "rfx|" + optedOut));
        Assert.Empty(await RowKeysAsync(tenant, "rfx|" + deleted));
        Assert.Equal(0, await CreditsUsedAsync(tenant));
    }

    [Fact]
    public async Task Capture_RunTwiceAndMessagesDeliveredTwice_StillOneRefreshPerTarget()
    {
        var (tenant, client) = await TenantAsync();
        NextDay();
        var id = await SeededTargetAsync(client);

        await RunTimerAsync();
        var messages = (await Factory.PeekRefreshQueueAsync()).Where(m => m.Contains(id, StringComparison.Ordinal)).ToList();
        await RunTimerAsync();
        await Factory.DrainRefreshQueueAsync();
        foreach (var message in messages)
        {
            await Factory.RunRefreshAsync(message, 2, "again");
        }

        await RunTimerAsync();
        await Factory.DrainRefreshQueueAsync();

        Assert.Single(messages);
        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id));
        Assert.Single(await RowKeysAsync(tenant, "snap|" + id));
    }

    [Fact]
    public async Task Capture_FollowingDays_CarryLiveTargetsAndDropDeletedOnes()
    {
        var (tenant, client) = await TenantAsync();
        NextDay();
        var kept = await SeededTargetAsync(client);
        var gone = await SeededTargetAsync(client);
        await RunTimerAsync();
        await Factory.DrainRefreshQueueAsync();
        (await client.DeleteAsync($"{Base}/targets/{gone}", Ct)).Dispose();

        NextDay();
        await RunTimerAsync();
        await Factory.DrainRefreshQueueAsync();
        NextDay();
        await RunTimerAsync();
        var third = await Factory.PeekRefreshQueueAsync();
        await Factory.DrainRefreshQueueAsync();

        Assert.Equal(3, (await RowKeysAsync(tenant, "rfx|" + kept)).Count);
        Assert.Equal(3, (await RowKeysAsync(tenant, "snap|" + kept)).Count);
        Assert.DoesNotContain(third, m => m.Contains(gone, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Capture_RefreshPendingAtCaptureTime_SkipsWithoutAddingARefresh()
    {
        var (tenant, client) = await TenantAsync(credits: 1);
        NextDay();
        var id = await SeededTargetAsync(client);
        NextDay();
        await RefreshOkAsync(client, id);
        await RunTimerAsync();
        await Factory.DrainRefreshQueueAsync();

        var next = await RefreshOkAsync(client, id);

        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id), k => !k.EndsWith(next.GetProperty("refresh").GetProperty("id").GetString()!, StringComparison.Ordinal));
        Assert.False(next.GetProperty("wasFree").GetBoolean());
    }

    private Task RunTimerAsync() => Factory.CaptureFunction.RunAsync(new TimerInfo(), Ct);

    /// <summary>Moves the clock to 01:00 UTC of the next day and returns that day (yyyy-MM-dd).</summary>
    private string NextDay()
    {
        var next = new DateTimeOffset(Factory.Time.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(1), TimeSpan.Zero);
        Factory.Time.SetUtcNow(next);
        return AnalyticsKeys.Day(next);
    }

    private async Task<string> SeededTargetAsync(HttpClient client)
    {
        var handle = Handle();
        await Factory.SeedProfileAsync("tiktok", handle, 50);
        return await CreateTargetIdAsync(client, "tiktok", handle);
    }
}
