extern alias simulator;

using Genviral.Core.Publishing;
using Genviral.Functions.Tests.Infrastructure;
using simulator::Genviral.PlatformSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Genviral.Functions.Tests.Publishing;

/// <summary>
/// The app with its connectors pointed at an in-process platform simulator on a free loopback port, and a fake clock
/// the tests move, so backoff and claim expiry happen when a test says so.
/// </summary>
public class PublishingFactory : ApiFactory
{
    private WebApplication _simulator = null!;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public string SimulatorUrl { get; private set; } = "";

    /// <summary>The simulator's media, addressed by name ("localhost" passes the API's no-IP-literal rule).</summary>
    public string MediaUrl(string name, int bytes = 200_000) => $"{SimulatorUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)}/_sim/media/{name}?bytes={bytes}";

    internal SimulatorState Simulator => _simulator.Services.GetRequiredService<SimulatorState>();

    internal PostDispatcher NewDispatcher() => ActivatorUtilities.CreateInstance<PostDispatcher>(Services);

    /// <summary>A dispatcher with other platform connectors (wrapping the real ones, say).</summary>
    internal PostDispatcher NewDispatcher(IReadOnlyList<Genviral.Core.Platforms.Publishing.IPlatformPublisher> publishers) =>
        ActivatorUtilities.CreateInstance<PostDispatcher>(Services, publishers.AsEnumerable());

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Platforms:TikTok:BaseUrl"] = SimulatorUrl,
        ["Platforms:TikTok:ClientId"] = "tiktok-client",
        ["Platforms:TikTok:ClientSecret"] = "tiktok-secret",
        ["Platforms:TikTok:HostedAccessToken"] = "hosted-tiktok-token",
        ["Platforms:Instagram:BaseUrl"] = SimulatorUrl,
        ["Platforms:Instagram:HostedAccessToken"] = "hosted-instagram-token",
        ["Platforms:YouTube:BaseUrl"] = SimulatorUrl,
        ["Platforms:YouTube:TokenUrl"] = SimulatorUrl + "/token",
        ["Platforms:YouTube:ClientId"] = "google-client",
        ["Platforms:YouTube:ClientSecret"] = "google-secret",
        ["Platforms:YouTube:HostedAccessToken"] = "hosted-youtube-token",
        // The media URLs of these tests are the simulator's, on loopback; the fetcher refuses any other private host.
        ["Media:AllowedPrivateHosts"] = new Uri(SimulatorUrl).Authority.Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
        ["Publishing:PollInterval"] = "00:00:00",
        ["Publishing:MaxPolls"] = "3",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time));
    }

    public override async ValueTask InitializeAsync()
    {
        _simulator = SimulatorApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _simulator.StartAsync();
        SimulatorUrl = _simulator.Urls.First().TrimEnd('/');
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _simulator.StopAsync();
        await _simulator.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
