using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Media;

/// <summary>
/// The app with a local media source that only the allow-list lets it reach, and limits small enough for quick
/// tests (12 MB video, so a video still spans several 4 MB blocks; 1 MB images).
/// </summary>
public class MediaFactory : ApiFactory
{
    public const long MaxVideoBytes = 12L * 1024 * 1024;
    public const long MaxImageBytes = 1024 * 1024;

    public MediaSource Source { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(ModeSettings)
    {
        ["Media:AllowedPrivateHosts"] = $"127.0.0.1:{Source.Port}, 127.0.0.1:{Source.LiarPort}",
        ["Media:MaxVideoBytes"] = MaxVideoBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Media:MaxImageBytes"] = MaxImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Media:FetchTimeout"] = "00:00:30",
    };

    /// <summary>How a derived factory hosts the app (invocations one at a time, or standalone consumers).</summary>
    protected virtual IReadOnlyDictionary<string, string> ModeSettings => new Dictionary<string, string>();

    public override async ValueTask InitializeAsync()
    {
        // The allow-list names the source's ports, so the source starts before the app reads its settings.
        await Source.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Source.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>As under the Functions host: no consumer of its own; each delivery is one invocation of RehostMedia.</summary>
public sealed class MediaInvocationFactory : MediaFactory
{
    protected override IReadOnlyDictionary<string, string> ModeSettings => new Dictionary<string, string>
    {
        ["Queues:MaxDequeueCount"] = "3",
    };
}

/// <summary>Standalone: the app consumes media-rehost itself, two attempts per message, retried at once.</summary>
public sealed class MediaStandaloneFactory : MediaFactory
{
    protected override IReadOnlyDictionary<string, string> ModeSettings => new Dictionary<string, string>
    {
        ["Standalone:BackgroundWork"] = "true",
        ["Queues:MaxDequeueCount"] = "2",
        ["Queues:VisibilityTimeout"] = "00:00:00",
        ["Queues:MaxPollingInterval"] = "00:00:00.200",
        // Short, so a fetch outlasts it: the consumer must keep extending it, or another consumer would take the message.
        ["Queues:ProcessingLease"] = "00:00:06",
    };
}

/// <summary>The app with the media source, shared by the media classes that call the pipeline on their own posts.</summary>
public sealed class SharedMediaFactory : MediaFactory;
