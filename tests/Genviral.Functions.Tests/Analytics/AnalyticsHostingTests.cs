using System.Globalization;
using System.Text.Json;
using Genviral.Core.Analytics;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace Genviral.Functions.Tests.Analytics;

/// <summary>
/// The analytics trigger functions invoked one at a time, as the Functions host does: each queue delivery and each
/// timer occurrence is one invocation, with what the worker binds.
/// </summary>
public sealed class AnalyticsInvocationTests(AnalyticsFactory factory) : AnalyticsTestBase(factory), IClassFixture<AnalyticsFactory>
{
    [Fact]
    public async Task RunAnalyticsRefresh_Invocation_CompletesTheRefresh()
    {
        var (_, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("youtube", handle, 77);
        var id = await CreateTargetIdAsync(client, "youtube", "@" + handle);
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString()!;
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(refreshId, StringComparison.Ordinal));

        await Factory.RunRefreshAsync(message);

        Assert.Equal("completed", (await GetRefreshAsync(client, refreshId)).GetProperty("status").GetString());
        Assert.Equal(77, (await TargetRowAsync(client, id)).GetProperty("latest_snapshot").GetProperty("followers").GetInt64());
    }

    [Fact]
    public async Task CaptureFreeSnapshots_Invocation_QueuesTheDailySnapshotThatRunAnalyticsRefreshTakes()
    {
        var (tenant, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("instagram", handle, 5);
        var id = await CreateTargetIdAsync(client, "instagram", handle);

        await Factory.CaptureFunction.RunAsync(new TimerInfo { IsPastDue = false }, Ct);
        var message = Assert.Single(await Factory.PeekRefreshQueueAsync(), m => m.Contains(id, StringComparison.Ordinal));
        await Factory.RunRefreshAsync(message);

        var row = await TargetRowAsync(client, id);
        Assert.Equal(AnalyticsKeys.DailyRefreshId(id, AnalyticsKeys.Day(Factory.Time.GetUtcNow())), row.GetProperty("last_refresh").GetProperty("id").GetString());
        Assert.Equal("completed", row.GetProperty("last_refresh").GetProperty("status").GetString());
        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id));
    }

    [Fact]
    public async Task RunAnalyticsRefresh_MalformedMessage_IsDroppedNotRetried()
    {
        var failure = await Record.ExceptionAsync(() => Factory.RunRefreshAsync("""{"scope":"ws_x"}"""));

        Assert.Null(failure);
    }
}

public sealed class AnalyticsStandaloneFactory : AnalyticsFactory
{
    public const string EverySecond = "* * * * * *";

    /// <summary>Real time for the timer and the listener, on the fixed day of <see cref="AnalyticsFactory.Start"/>.</summary>
    public override TimeProvider AppClock { get; } = new RunningClock(Start);

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
        var completedBy = Factory.AppClock.GetUtcNow();
        var ranAgain = await Poll.UntilAsync(async () => await LastTimerOccurrenceAsync() > completedBy);

        Assert.True(done);
        Assert.True(ranAgain);
        var row = await TargetRowAsync(client, id);
        Assert.Equal(AnalyticsKeys.DailyRefreshId(id, AnalyticsKeys.Day(AnalyticsFactory.Start)), row.GetProperty("last_refresh").GetProperty("id").GetString());
        Assert.False(row.GetProperty("free_refresh_available").GetBoolean());
        Assert.Single(await RowKeysAsync(tenant, "rfx|" + id));
    }

    /// <summary>The last occurrence the standalone timer recorded as run for CaptureFreeSnapshots (its lock blob's metadata), or null before its first.</summary>
    private async Task<DateTimeOffset?> LastTimerOccurrenceAsync()
    {
        var blob = Factory.Storage.Container(StorageNames.LocksContainer).GetBlobClient("timers/CaptureFreeSnapshots");
        if (!await blob.ExistsAsync(Ct))
        {
            // The timers start a moment after the app listens: not scheduled yet.
            return null;
        }

        var metadata = (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value.Metadata;
        return metadata.TryGetValue("last_occurrence", out var text) ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
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
