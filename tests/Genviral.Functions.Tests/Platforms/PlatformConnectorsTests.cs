extern alias simulator;

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Genviral.Core;
using Genviral.Core.Accounts;
using Genviral.Core.Platforms.Publishing;
using Genviral.Core.Platforms.Stats;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly.Timeout;
using simulator::Genviral.PlatformSimulator;
using simulator::Genviral.PlatformSimulator.Stats;

namespace Genviral.Functions.Tests.Platforms;

/// <summary>
/// The publishing and analytics connectors as Core registers them, over one set of platform options: a base URL with a
/// path (a gateway in front of the API, the simulator served only there) takes both below that path, and one request
/// timeout bounds both.
/// </summary>
public sealed class PlatformConnectorsTests : IAsyncLifetime
{
    private const string Gateway = "/gateway/platforms";
    private WebApplication _simulator = null!;
    private IHost _app = null!;
    private string _root = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _simulator = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--PathBase", Gateway]);
        await _simulator.StartAsync(Ct);
        var server = _simulator.Urls.First().TrimEnd('/');
        _root = server + Gateway;
        _app = Build(new()
        {
            ["Platforms:TikTok:BaseUrl"] = _root,
            ["Platforms:TikTok:ClientId"] = "tiktok-client",
            ["Platforms:TikTok:ClientSecret"] = "tiktok-secret",
            ["Platforms:Instagram:BaseUrl"] = _root,
            ["Platforms:Instagram:BusinessAccountId"] = StatsRoutes.InstagramBusinessAccountId,
            ["Platforms:Instagram:DiscoveryAccessToken"] = "discovery-token",
            ["Platforms:YouTube:BaseUrl"] = _root,
            ["Platforms:YouTube:ApiKey"] = "youtube-key",
            ["Publishing:PollInterval"] = "00:00:00",
            // The YouTube publisher fetches a video that was not re-hosted from its URL, the simulator's media here.
            ["Media:AllowedPrivateHosts"] = new Uri(server).Authority,
        });
    }

    public async ValueTask DisposeAsync()
    {
        _app.Dispose();
        await _simulator.StopAsync();
        await _simulator.DisposeAsync();
    }

    [Theory]
    [InlineData(Platform.Tiktok)]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Youtube)]
    public async Task Publish_BaseUrlWithAPath_ReachesThePlatformBelowThePath(Platform platform)
    {
        var publisher = _app.Services.GetServices<IPlatformPublisher>().Single(p => p.Platform == platform);
        var media = new PostMedia(MediaType.Video, [$"{_root}/_sim/media/clip.mp4?bytes=4096"]);

        var outcome = await publisher.PublishAsync(new PublishRequest("Hello", media, "token", "17841400000000099", "brand", null), Ct);

        Assert.Equal(PublishOutcomeKind.Published, outcome.Kind);
    }

    [Theory]
    [InlineData(Platform.Tiktok)]
    [InlineData(Platform.Instagram)]
    [InlineData(Platform.Youtube)]
    public async Task FetchStats_BaseUrlWithAPath_ReachesThePlatformBelowThePath(Platform platform)
    {
        var handle = "brand" + Guid.NewGuid().ToString("N")[..6];
        using var http = new HttpClient();
        using var seeded = await http.PostAsync($"{_root}/_sim/stats/profiles",
            JsonContent.Create(new SimulatedProfile(platform.ToWire(), handle, "u-" + handle, 1234, 5)), Ct);
        seeded.EnsureSuccessStatusCode();

        var stats = await _app.Services.GetRequiredService<StatsConnectors>().For(platform).FetchAsync(handle, 5, Ct);

        Assert.Equal(1234, stats.Followers);
    }

    [Fact]
    public async Task FetchStats_PlatformThatNeverAnswers_IsCutOffByThePublishersRequestTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var app = Build(new()
        {
            ["Platforms:TikTok:BaseUrl"] = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/",
            ["Publishing:RequestTimeout"] = "00:00:00.200",
        });

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => app.Services.GetRequiredService<StatsConnectors>().For(Platform.Tiktok).FetchAsync("brand", 5, Ct));
    }

    /// <summary>The publishing and analytics connectors as Core registers them, with <paramref name="settings"/>.</summary>
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["Storage:ConnectionString"] = TestStorage.ConnectionString;
        builder.AddGenviralCore();
        builder.AddGenviralPublishing();
        return builder.Build();
    }
}
