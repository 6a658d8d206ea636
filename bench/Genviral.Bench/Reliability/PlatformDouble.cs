extern alias simulator;

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using simulator::Genviral.PlatformSimulator;
using simulator::Genviral.PlatformSimulator.Publishing;

namespace Genviral.Bench.Reliability;

/// <summary>
/// The platform simulator in-process on a loopback port, with two things the reliability scenarios need on top: the
/// platform APIs can be made slow (half of <see cref="Latency"/> before the call is handled, half after, so a crash
/// can land after the platform accepted a post and before its answer arrived), and every stats profile fetch is
/// counted per handle (a refresh run twice fetches twice).
/// </summary>
internal sealed class PlatformDouble : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlatformDouble(WebApplication app)
    {
        _app = app;
        State = app.Services.GetRequiredService<SimulatorState>();
        BaseUrl = app.Urls.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    /// <summary>The allow-list entry for media URLs that name the simulator as localhost.</summary>
    public string LocalhostAuthority => "localhost:" + new Uri(BaseUrl).Port;

    public SimulatorState State { get; }

    public PublishingSimulation Publishing => State.Publishing;

    /// <summary>Added to every platform API call (not to the simulator's own /_sim routes).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>TikTok Research API profile fetches per handle: one per refresh run.</summary>
    public ConcurrentDictionary<string, int> ProfileFetches { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<PlatformDouble> StartAsync(CancellationToken cancellationToken)
    {
        var app = SimulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        PlatformDouble? self = null;
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith("/_sim/", StringComparison.Ordinal) || self is null)
            {
                await next(context);
                return;
            }

            if (path == "/v2/research/user/info/")
            {
                context.Request.EnableBuffering();
                using (var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))
                {
                    if (body.RootElement.TryGetProperty("username", out var user) && user.GetString() is { } handle)
                    {
                        self.ProfileFetches.AddOrUpdate(handle, 1, (_, n) => n + 1);
                    }
                }

                context.Request.Body.Position = 0;
            }

            var latency = self.Latency;
            if (latency <= TimeSpan.Zero)
            {
                await next(context);
                return;
            }

            await Task.Delay(latency / 2, context.RequestAborted);
            // The answer is held back after the platform acted on the call: buffered, then sent after the delay.
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
                await Task.Delay(latency / 2, context.RequestAborted);
                buffer.Position = 0;
                context.Response.ContentLength = buffer.Length;
                await buffer.CopyToAsync(original, context.RequestAborted);
            }
            finally
            {
                context.Response.Body = original;
            }
        });
        await app.StartAsync(cancellationToken);
        self = new PlatformDouble(app);
        return self;
    }

    /// <summary>A TikTok profile the stats connector can fetch.</summary>
    public void AddProfile(string handle) =>
        State.Profiles[SimulatorState.Key("tiktok", handle)] = new SimulatedProfile("tiktok", handle, "uid-" + handle, 1000, 10);

    /// <summary>How many times each caption was published, per platform.</summary>
    public Dictionary<(string Platform, string Caption), int> PublishCounts(IEnumerable<PublishedItem>? items = null) =>
        (items ?? Publishing.Published).GroupBy(p => (p.Platform, p.Caption)).ToDictionary(g => g.Key, g => g.Count());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
