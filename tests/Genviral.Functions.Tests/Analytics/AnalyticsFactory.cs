extern alias simulator;

using System.Net.Http.Json;
using Genviral.Core.Analytics;
using Genviral.Functions.Hosting;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SimulatorApp = simulator::Genviral.PlatformSimulator.SimulatorApp;
using StatsRoutes = simulator::Genviral.PlatformSimulator.Stats.StatsRoutes;

namespace Genviral.Functions.Tests.Analytics;

/// <summary>
/// The app with the platform simulator running in-process on a free loopback port (real HTTP) and a clock that starts
/// at <see cref="Start"/>: the free daily refresh depends on the UTC day. It is a fake clock the tests move, unless a
/// derived factory runs the app's own timers, which need time to pass.
/// </summary>
public class AnalyticsFactory : ApiFactory
{
    public static readonly DateTimeOffset Start = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private WebApplication? _simulator;

    public FakeTimeProvider Time { get; } = new(Start);

    public Uri SimulatorUrl { get; private set; } = null!;

    /// <summary>The app's clock: <see cref="Time"/> unless a derived factory needs one that runs.</summary>
    public virtual TimeProvider AppClock => Time;

    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(ExtraSettings)
    {
        ["Platforms:TikTok:BaseUrl"] = SimulatorUrl.ToString(),
        ["Platforms:TikTok:ClientId"] = "test",
        ["Platforms:TikTok:ClientSecret"] = "test",
        // No DiscoveryBaseUrl: business discovery follows the publishing base URL, as scripts that set only it expect.
        ["Platforms:Instagram:BaseUrl"] = SimulatorUrl.ToString(),
        ["Platforms:Instagram:BusinessAccountId"] = StatsRoutes.InstagramBusinessAccountId,
        ["Platforms:Instagram:DiscoveryAccessToken"] = "test",
        ["Platforms:YouTube:BaseUrl"] = SimulatorUrl.ToString(),
        ["Platforms:YouTube:ApiKey"] = "test",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton(AppClock));
    }

    public override async ValueTask InitializeAsync()
    {
        _simulator = SimulatorApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _simulator.StartAsync();
        var address = _simulator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        SimulatorUrl = new Uri(address.TrimEnd('/') + "/");
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    internal AnalyticsStore Store => Services.GetRequiredService<AnalyticsStore>();

    internal PlatformPostMap PostMap => Services.GetRequiredService<PlatformPostMap>();

    /// <summary>Runs RunAnalyticsRefresh on one message, as a queue delivery with this dequeue count would.</summary>
    internal Task RunRefreshAsync(string message, long dequeueCount = 1, string id = "test-message") =>
        RunQueueFunctionAsync("RunAnalyticsRefresh", message, dequeueCount, id);

    internal StandaloneTimerWork CaptureFunction => TimerWork("CaptureFreeSnapshots");

    /// <summary>Seeds a profile in the simulator through its control endpoint.</summary>
    public async Task SeedProfileAsync(string platform, string handle, long followers)
    {
        using var http = new HttpClient { BaseAddress = SimulatorUrl };
        using var response = await http.PostAsJsonAsync("_sim/stats/profiles",
            new { platform, handle, userId = "u_" + handle, followers, following = 1 }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Makes the simulator answer <paramref name="status"/> for every stats request about <paramref name="handle"/>; null ends it.</summary>
    public async Task SetOutageAsync(string handle, int? status)
    {
        using var http = new HttpClient { BaseAddress = SimulatorUrl };
        using var response = status is { } s
            ? await http.PostAsJsonAsync("_sim/stats/outages", new { handle, status = s }, TestContext.Current.CancellationToken)
            : await http.DeleteAsync("_sim/stats/outages/" + handle, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task SeedVideoAsync(string platform, string handle, string id, DateTimeOffset publishedAt, long views, long likes, long comments, long shares)
    {
        using var http = new HttpClient { BaseAddress = SimulatorUrl };
        using var response = await http.PostAsJsonAsync("_sim/stats/videos", new
        {
            platform, id, handle, url = $"https://cdn.example.com/{id}.mp4", caption = "video " + id, publishedAt, views, likes, comments, shares,
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Receives and runs every message on the analytics-refresh queue, as one consumer would; returns how many ran.</summary>
    internal async Task<int> DrainRefreshQueueAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var queue = Storage.Queue(Genviral.Core.Storage.StorageNames.AnalyticsRefreshQueue);
        var count = 0;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), ct)).Value;
            if (batch.Length == 0)
            {
                return count;
            }

            foreach (var m in batch)
            {
                await RunRefreshAsync(m.Body.ToString(), m.DequeueCount, m.MessageId);
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, ct);
                count++;
            }
        }
    }

    /// <summary>The bodies waiting on the analytics-refresh queue, without taking them.</summary>
    internal async Task<IReadOnlyList<string>> PeekRefreshQueueAsync()
    {
        var messages = await Storage.Queue(Genviral.Core.Storage.StorageNames.AnalyticsRefreshQueue).PeekMessagesAsync(32, TestContext.Current.CancellationToken);
        return [.. messages.Value.Select(m => m.Body.ToString())];
    }
}

/// <summary>The app with the simulator, shared by the classes that leave the fake clock at <see cref="AnalyticsFactory.Start"/>.</summary>
public sealed class SharedAnalyticsFactory : AnalyticsFactory;
