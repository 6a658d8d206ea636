using System.Collections.Concurrent;
using System.Globalization;
using Cronos;
using Genviral.Core.Storage;
using Genviral.Functions.Hosting;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Testing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Genviral.Functions.Tests.Hosting;

internal sealed class CountingTimer(string schedule)
{
    public ConcurrentQueue<TimerInfo> Runs { get; } = new();

    public string Name => Work.Name;

    public StandaloneTimerWork Work => new("CountingTimer", schedule, (timer, _) =>
    {
        Runs.Enqueue(timer);
        return Task.CompletedTask;
    });
}

public sealed class StandaloneTimerTests : IAsyncLifetime
{
    private const string EveryMinute = "0 * * * * *";
    private readonly string _prefix = TestStorage.NewPrefix();
    private StorageClients _storage = null!;

    public async ValueTask InitializeAsync() => _storage = await TestStorage.CreateAsync(_prefix);

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task RunOnceAsync_TwoInstancesSameOccurrence_RunsExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var function = new CountingTimer(EveryMinute);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var a = NewTimer(function, time);
        var b = NewTimer(function, time);
        var blob = _storage.Container(StorageNames.LocksContainer).GetBlobClient("timers/" + function.Name);
        await blob.UploadAsync(BinaryData.Empty, ct);
        var cron = CronExpression.Parse(EveryMinute, CronFormat.IncludeSeconds);
        var occurrence = time.GetUtcNow();

        var results = await Task.WhenAll(
            a.RunOnceAsync(function.Work, cron, blob, occurrence, false, ct),
            b.RunOnceAsync(function.Work, cron, blob, occurrence, false, ct));
        var again = await a.RunOnceAsync(function.Work, cron, blob, occurrence, false, ct);

        Assert.Single(results, r => r);
        Assert.False(again);
        Assert.Single(function.Runs);
    }

    [Fact]
    public async Task RunOnceAsync_FunctionThrows_RecordsTheOccurrenceAndDoesNotRunItAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        var attempts = 0;
        var failing = new StandaloneTimerWork("FailingTimer", EveryMinute, (_, _) =>
        {
            attempts++;
            throw new InvalidOperationException("simulated failure");
        });
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var timer = new StandaloneTimer([failing], _storage, time, NullLogger<StandaloneTimer>.Instance);
        var blob = _storage.Container(StorageNames.LocksContainer).GetBlobClient("timers/" + failing.Name);
        await blob.UploadAsync(BinaryData.Empty, ct);
        var cron = CronExpression.Parse(EveryMinute, CronFormat.IncludeSeconds);
        var occurrence = time.GetUtcNow();

        var ran = await timer.RunOnceAsync(failing, cron, blob, occurrence, false, ct);
        var again = await timer.RunOnceAsync(failing, cron, blob, occurrence, true, ct);

        Assert.True(ran);
        Assert.False(again);
        Assert.Equal(1, attempts);
        var recorded = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.Metadata["last_occurrence"];
        Assert.Equal(occurrence, DateTimeOffset.Parse(recorded, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Start_OccurrenceMissedWhileDown_RunsOnceAsPastDueAndRecordsTheLatest()
    {
        var ct = TestContext.Current.CancellationToken;
        var function = new CountingTimer(EveryMinute);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 30, TimeSpan.Zero));
        var blob = _storage.Container(StorageNames.LocksContainer).GetBlobClient("timers/" + function.Name);
        await blob.UploadAsync(BinaryData.Empty, ct);
        await blob.SetMetadataAsync(new Dictionary<string, string> { ["last_occurrence"] = "2026-11-23T08:00:00.0000000+00:00" }, cancellationToken: ct);
        using var timer = NewTimer(function, time);

        await timer.StartAsync(ct);
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(!function.Runs.IsEmpty)));
        await timer.StopAsync(ct);

        var run = Assert.Single(function.Runs);
        Assert.True(run.IsPastDue);
        var recorded = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.Metadata["last_occurrence"];
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse(recorded, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Start_TwoInstances_EachOccurrenceRunsOnceOnSchedule()
    {
        var ct = TestContext.Current.CancellationToken;
        var function = new CountingTimer(EveryMinute);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 30, TimeSpan.Zero));
        using var a = NewTimer(function, time);
        using var b = NewTimer(function, time);

        await a.StartAsync(ct);
        await b.StartAsync(ct);
        // Fake time moves one second per look, so the instances reach the next two occurrences in their own time.
        Assert.True(await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return Task.FromResult(function.Runs.Count >= 2);
        }));
        await a.StopAsync(ct);
        await b.StopAsync(ct);

        var runs = function.Runs.ToList();
        Assert.All(runs, r => Assert.False(r.IsPastDue));
        Assert.Equal(runs.Count, runs.Select(r => r.ScheduleStatus!.Next).Distinct().Count());
    }

    private StandaloneTimer NewTimer(CountingTimer function, TimeProvider time) =>
        new([function.Work], _storage, time, NullLogger<StandaloneTimer>.Instance);
}
