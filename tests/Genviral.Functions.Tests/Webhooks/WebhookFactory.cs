using Genviral.Functions.Tests.Publishing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Webhooks;

/// <summary>
/// The publishing app (connectors pointed at the simulator) in standalone mode consuming its own queues with their
/// default polling, on the real clock, with a local receiver that only the allow-list lets it reach, a 3 s attempt
/// timeout and three quick retries (four attempts in all), so retry behaviour runs in seconds.
/// </summary>
public sealed class WebhookFactory : PublishingFactory
{
    public WebhookReceiver Receiver { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string>(base.Settings)
            {
                ["Standalone:BackgroundWork"] = "true",
                ["Webhooks:AttemptTimeout"] = "00:00:03",
                ["Webhooks:RetrySchedule"] = "00:00:00.300,00:00:00.300,00:00:00.300",
                // The tests tick the dispatcher themselves, once the media is ready: its own timer would otherwise take a post
                // first whenever a minute turns, or find its media not ready yet and put it off for a minute.
                ["PublishDuePostsSchedule"] = "0 0 0 1 1 *",
            };
            settings["Media:AllowedPrivateHosts"] += $",127.0.0.1:{Receiver.Port}";
            return settings;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The queue listener waits on the app's clock between polls: these tests run on the real one, not the fake.
        builder.ConfigureTestServices(s => s.AddSingleton(TimeProvider.System));
    }

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
