using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Core.Webhooks;

public static class WebhookRegistration
{
    /// <summary>The webhook store, its URL rules, the outbox of events and delivery (which sends through the media fetcher's guarded client).</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookUrlRules>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<WebhookOutbox>();
        return services;
    }
}
