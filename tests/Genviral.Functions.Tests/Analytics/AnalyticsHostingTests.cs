using System.Net;
using System.Text;
using System.Text.Json;
using Genviral.Core.Analytics;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Analytics;

public sealed class AnalyticsCustomHandlerFactory : AnalyticsFactory
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7071",
    };
}

/// <summary>The analytics trigger functions as the Functions host invokes them: POST /{FunctionName} with the host's envelope.</summary>
public sealed class AnalyticsCustomHandlerTests(AnalyticsCustomHandlerFactory factory) : AnalyticsTestBase(factory), IClassFixture<AnalyticsCustomHandlerFactory>
{
    [Fact]
    public async Task RunAnalyticsRefresh_HostInvocation_CompletesTheRefresh()
    {
        var (_, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("youtube", handle, 77);
        var id = await CreateTargetIdAsync(client, "youtube", "@" + handle);
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(refreshId, StringComparison.Ordinal));
        using var host = Factory.CreateClient();

        using var response = await host.PostAsync("/RunAnalyticsRefresh", QueueEnvelope(message), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", (await GetRefreshAsync(client, refreshId)).GetProperty("status").GetString());
        Assert.Equal(77, (await TargetRowAsync(client, id)).GetProperty("latest_snapshot").GetProperty("followers").GetInt64());
    }

    [Fact]
    public async Task CaptureFreeSnapshots_HostInvocation_QueuesTheDailySnapshotThatRunAnalyticsRefreshTakes()
    {
        var (tenant, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("instagram", handle, 5);
        var id = await CreateTargetIdAsync(client, "instagram", handle);
        using var host = Factory.CreateClient();

        using var timer = await host.PostAsync("/CaptureFreeSnapshots", TimerEnvelope(), Ct);
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(id, StringComparison.Ordinal));
        using var run = await host.PostAsync("/RunAnalyticsRefresh", QueueEnvelope(message), Ct);

        Assert.Equal(HttpStatusCode.OK, timer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        var row = await TargetRowAsync(client, id);
        Assert.Equal(AnalyticsKeys.DailyRefreshId(id, AnalyticsKeys.Day(Factory.Time.GetUtcNow())), row.GetProperty("last_refresh").GetProperty("id").GetString());
        Assert.Equal("completed", row.GetProperty("last_refresh").GetProperty("status").GetString());
        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id));
    }

    [Fact]
    public async Task RunAnalyticsRefresh_MalformedMessage_IsDroppedNotRetried()
    {
        using var host = Factory.CreateClient();

        using var response = await host.PostAsync("/RunAnalyticsRefresh", QueueEnvelope("""{"scope":"ws_x"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The queue envelope as the host builds it: the message text JSON-encoded twice, metadata strings quoted.</summary>
    private static StringContent QueueEnvelope(string messageText)
    {
        var data = JsonSerializer.Serialize(JsonSerializer.Serialize(messageText));
        var json = $$"""
            {"Data":{"message":{{data}}},"Metadata":{"DequeueCount":"1","Id":"\"{{Guid.NewGuid()}}\"","PopReceipt":"\"AgAAAA\"",
             "InsertionTime":"\"2026-12-02T10:00:00+00:00\"","sys":{"MethodName":"RunAnalyticsRefresh","UtcNow":"2026-12-02T10:00:00Z","RandGuid":"{{Guid.NewGuid()}}"} } }
            """;
        return new StringContent(json, Encoding.UTF8, "application/json");
    }

    private static StringContent TimerEnvelope() => new("""
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-12-02T09:05:00+00:00","Next":"2026-12-02T11:05:00+00:00",
         "LastUpdated":"2026-12-02T09:05:00+00:00"},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"CaptureFreeSnapshots","UtcNow":"2026-12-02T10:05:00Z"}}}
        """, Encoding.UTF8, "application/json");
}

public sealed class AnalyticsStandaloneFactory : AnalyticsFactory
{
    public const string EverySecond = "* * * * * *";

    protected override bool UsesFakeTime => false;

    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Standalone:BackgroundWork"] = "true",
        ["Queues:MaxPollingInterval"] = "00:00:00.200",
        ["CaptureFreeSnapshotsSchedule"] = EverySecond,
    };
}

/// <summary>The app as its own host: its timer (on the configured schedule) and queue listener do the analytics work.</summary>
public sealed class AnalyticsStandaloneTests(AnalyticsStandaloneFactory factory) : AnalyticsTestBase(factory), IClassFixture<AnalyticsStandaloneFactory>
{
    [Fact]
    public void CaptureFreeSnapshots_Schedule_IsTheAppSetting()
    {
        Assert.Equal(AnalyticsStandaloneFactory.EverySecond, Factory.CaptureFunction.Schedule);
    }

    [Fact]
    public async Task NewTarget_TimerAndListener_TakeItsFreeDailySnapshotOnce()
    {
        var (tenant, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("tiktok", handle, 9);
        var id = await CreateTargetIdAsync(client, "tiktok", handle);

        var done = await Poll.UntilAsync(async () =>
            (await TargetRowAsync(client, id)).GetProperty("last_refresh") is { ValueKind: JsonValueKind.Object } r && r.GetProperty("status").GetString() == "completed");
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);

        Assert.True(done);
        var row = await TargetRowAsync(client, id);
        Assert.Equal(AnalyticsKeys.DailyRefreshId(id, AnalyticsKeys.Day(DateTimeOffset.UtcNow)), row.GetProperty("last_refresh").GetProperty("id").GetString());
        Assert.False(row.GetProperty("free_refresh_available").GetBoolean());
        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id));
    }

    [Fact]
    public async Task PaidRefresh_ListenerRunsIt()
    {
        var (tenant, client) = await TenantAsync(credits: 2);
        var handle = Handle();
        await Factory.SeedProfileAsync("youtube", handle, 3);
        var id = await CreateTargetIdAsync(client, "youtube", "@" + handle);
        (await client.PatchAsync($"{Base}/targets/{id}", System.Net.Http.Json.JsonContent.Create(new { refreshPolicy = new { freeDailyRefresh = false } }), Ct)).Dispose();

        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;

        Assert.True(await Poll.UntilAsync(async () => (await GetRefreshAsync(client, refreshId)).GetProperty("status").GetString() == "completed"));
        Assert.Equal(1, await CreditsUsedAsync(tenant));
    }
}
