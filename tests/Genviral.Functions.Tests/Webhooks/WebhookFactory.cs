using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Webhooks;

/// <summary>
/// The app in standalone mode consuming its own queues, with a local receiver that only the allow-list lets it reach,
/// a 3 s attempt timeout and three quick retries (four attempts in all), so retry behaviour runs in seconds.
/// </summary>
public sealed class WebhookFactory : ApiFactory
{
    public WebhookReceiver Receiver { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Media:AllowedPrivateHosts"] = $"127.0.0.1:{Receiver.Port}",
        ["Standalone:BackgroundWork"] = "true",
        ["Queues:MaxPollingInterval"] = "00:00:00.200",
        ["Webhooks:AttemptTimeout"] = "00:00:03",
        ["Webhooks:RetrySchedule"] = "00:00:00.300,00:00:00.300,00:00:00.300",
    };

    public override async ValueTask InitializeAsync()
    {
        // The allow-list names the receiver's port, so the receiver starts before the app reads its settings.
        await Receiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
