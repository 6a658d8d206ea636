using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Genviral.Core;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Genviral.Bench.Reliability;

/// <summary>
/// Everything the scenarios run against: Azurite with its data on disk (so it can be stopped and started again on the
/// same ports), the platform simulator, a media source server, and the Release app as its own process in standalone
/// mode, which a scenario can kill (SIGKILL) and start again with the same settings on the same port.
/// </summary>
internal sealed class Rig : IAsyncDisposable
{
    private readonly string _location;
    private readonly int _appPort = Local.FreePort();
    private QueueDuplicator? _duplicator;
    private IHost? _twin;

    private Rig(string location, Azurite azurite, PlatformDouble platforms, SourceServer source, Tenant probe)
    {
        _location = location;
        Azurite = azurite;
        Platforms = platforms;
        Source = source;
        Probe = probe;
        Storage = new StorageClients(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }));
        Settings = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            // Ticks every 2 s instead of every minute, so that a crash meets a tick, and publishing ends within a run.
            ["PublishDuePostsSchedule"] = "*/2 * * * * *",
            ["CaptureFreeSnapshotsSchedule"] = "*/10 * * * * *",
            ["SweepMediaSchedule"] = "*/5 * * * * *",
            ["Media__AllowedPrivateHosts"] = $"{platforms.LocalhostAuthority},{source.LocalhostAuthority}",
            ["Media__MaxVideoBytes"] = (256L * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            // A crash-phase download takes 20 s on purpose (see CrashPhase); the grace of the media sweep must cover a fetch.
            ["Media__FetchTimeout"] = "00:01:00",
            ["Media__OrphanGrace"] = "00:01:00",
            // A claim outlives one slow publish (about 5 s here), and expires soon after a crash.
            ["Publishing__ClaimTimeout"] = "00:00:20",
            ["Publishing__PollInterval"] = "00:00:00.200",
            ["Publishing__RetryBaseDelay"] = "00:00:02",
            ["Publishing__RetryMaxDelay"] = "00:00:10",
            ["Publishing__MediaWaitDelay"] = "00:00:02",
            ["Publishing__RequestTimeout"] = "00:00:10",
            ["Queues__VisibilityTimeout"] = "00:00:02",
            ["Queues__ProcessingLease"] = "00:00:10",
            ["Platforms__TikTok__BaseUrl"] = platforms.BaseUrl + "/",
            ["Platforms__TikTok__ClientId"] = "reliability-tiktok",
            ["Platforms__TikTok__ClientSecret"] = "reliability-tiktok-secret",
            ["Platforms__TikTok__HostedAccessToken"] = "reliability-hosted-tiktok",
            ["Platforms__Instagram__BaseUrl"] = platforms.BaseUrl + "/",
            ["Platforms__Instagram__HostedAccessToken"] = "reliability-hosted-instagram",
            ["Platforms__Instagram__BusinessAccountId"] = "17841400000000001",
            ["Platforms__Instagram__DiscoveryAccessToken"] = "reliability-discovery",
            ["Platforms__YouTube__BaseUrl"] = platforms.BaseUrl + "/",
            ["Platforms__YouTube__TokenUrl"] = platforms.BaseUrl + "/token",
            ["Platforms__YouTube__ClientId"] = "reliability-google",
            ["Platforms__YouTube__ClientSecret"] = "reliability-google-secret",
            ["Platforms__YouTube__HostedAccessToken"] = "reliability-hosted-youtube",
            ["Platforms__YouTube__ApiKey"] = "reliability-youtube-key",
        };
    }

    public Azurite Azurite { get; }

    public PlatformDouble Platforms { get; }

    public SourceServer Source { get; }

    /// <summary>Direct access to the app's storage, for the checks after each scenario.</summary>
    public StorageClients Storage { get; }

    /// <summary>The app's settings (environment variables), the same on every start.</summary>
    public Dictionary<string, string> Settings { get; }

    public AppProcess? App { get; private set; }

    public Uri AppAddress => new($"http://127.0.0.1:{_appPort}");

    /// <summary>A workspace whose key the start-up probe uses.</summary>
    public Tenant Probe { get; }

    /// <summary>The TikTok handle of each analytics target the scenarios created, by target id.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> Handles { get; } = new(StringComparer.Ordinal);

    /// <summary>Queue puts the app made through the duplicating proxy, and the copies added (0 without it).</summary>
    public QueueDuplicator? Duplicator => _duplicator;

    public static async Task<Rig> StartAsync(CancellationToken cancellationToken)
    {
        var location = Path.Combine(Path.GetTempPath(), "genviral-reliability-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(location);
        Azurite? azurite = null;
        PlatformDouble? platforms = null;
        SourceServer? source = null;
        try
        {
            azurite = await Azurite.StartAsync(location, cancellationToken);
            var storage = new StorageClients(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }));
            await storage.CreateResourcesAsync(cancellationToken);
            platforms = await PlatformDouble.StartAsync(cancellationToken);
            source = await SourceServer.StartAsync(cancellationToken);
            var probe = await Tenant.CreateAsync(azurite.ConnectionString, "probe", withByo: false, cancellationToken);
            return new Rig(location, azurite, platforms, source, probe);
        }
        catch
        {
            if (source is not null)
            {
                await source.DisposeAsync();
            }

            if (platforms is not null)
            {
                await platforms.DisposeAsync();
            }

            azurite?.Dispose();
            Directory.Delete(location, recursive: true);
            throw;
        }
    }

    public Task<Tenant> TenantAsync(string name, bool withByo, CancellationToken cancellationToken) =>
        Tenant.CreateAsync(Azurite.ConnectionString, name, withByo, cancellationToken);

    /// <summary>
    /// (Re)starts the app. With <paramref name="duplicateQueueMessages"/>, its queue endpoint is a proxy that puts every
    /// message twice, and an in-process twin runs the app's timer work a second time (see <see cref="TwinAsync"/>).
    /// </summary>
    public async Task<TimeSpan> StartAppAsync(bool duplicateQueueMessages, CancellationToken cancellationToken)
    {
        App?.Dispose();
        App = null;
        if (duplicateQueueMessages && _duplicator is null)
        {
            _duplicator = await QueueDuplicator.StartAsync(Azurite.QueuePort, cancellationToken);
        }
        else if (!duplicateQueueMessages && _duplicator is not null)
        {
            await _duplicator.DisposeAsync();
            _duplicator = null;
        }

        App = await AppProcess.StartAsync(AppConnectionString, Probe.Token, Settings, _appPort, cancellationToken);
        return App.StartUp;
    }

    /// <summary><c>kill -9</c> of the app: it ends mid-work, with no shutdown code run.</summary>
    public void Kill() => App?.Kill();

    /// <summary>Starts the app again after <see cref="Kill"/>.</summary>
    public async Task<TimeSpan> RestartAsync(CancellationToken cancellationToken)
    {
        App?.Dispose();
        App = await AppProcess.StartAsync(AppConnectionString, Probe.Token, Settings, _appPort, cancellationToken);
        return App.StartUp;
    }

    /// <summary>
    /// The app's Core services in this process, over the same storage (and the same duplicating queue proxy), with the
    /// same settings: its dispatcher and timer work run here a second time, as a second instance's timer would.
    /// </summary>
    public async Task<IServiceProvider> TwinAsync(CancellationToken cancellationToken)
    {
        if (_twin is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(Settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)));
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create("Storage:ConnectionString", (string?)AppConnectionString)]);
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
            builder.AddGenviralCore();
            builder.AddGenviralPublishing();
            _twin = builder.Build();
            await _twin.StartAsync(cancellationToken);
        }

        return _twin.Services;
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 })
        {
            BaseAddress = AppAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A caption no other post of the run has: the simulator's publish log is matched on it.</summary>
    public static string Unique(string what) => $"{what} {Guid.NewGuid():N}";

    private string AppConnectionString => _duplicator is null ? Azurite.ConnectionString : Azurite.ConnectionStringFor(_duplicator.Port);

    public static void Progress(string step) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {step}");

    public async ValueTask DisposeAsync()
    {
        App?.Dispose();
        if (_twin is not null)
        {
            await _twin.StopAsync(CancellationToken.None);
            _twin.Dispose();
        }

        if (_duplicator is not null)
        {
            await _duplicator.DisposeAsync();
        }

        await Source.DisposeAsync();
        await Platforms.DisposeAsync();
        Azurite.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
            // Azurite may still be letting go of a file; the temp folder is cleaned by the system eventually.
        }
    }

    internal static Stopwatch Clock { get; } = Stopwatch.StartNew();
}
