using Genviral.Core.Platforms;
using Genviral.Core.Platforms.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Genviral.Core.Publishing;

public static class PublishingRegistration
{
    /// <summary>The dispatcher and the three platform connectors, each over a platform client (<see cref="PlatformClients"/>).</summary>
    public static IHostApplicationBuilder AddGenviralPublishing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<PostDispatcher>();

        // The singleton dispatcher holds the TikTok and Instagram publishers, and with them their clients.
        services.AddPlatformClient<TikTokPublisher>();
        services.AddPlatformClient<InstagramPublisher>();
        services.AddPlatformClient(YouTubePublisher.ApiClient, o => o.RequestTimeout);
        // The media download and the upload PUT: long transfers get their own, longer timeout.
        services.AddPlatformClient(YouTubePublisher.UploadClient, o => o.UploadTimeout);
        services.AddSingleton<YouTubePublisher>();
        services.AddTransient<IPlatformPublisher>(sp => sp.GetRequiredService<TikTokPublisher>());
        services.AddTransient<IPlatformPublisher>(sp => sp.GetRequiredService<InstagramPublisher>());
        services.AddTransient<IPlatformPublisher>(sp => sp.GetRequiredService<YouTubePublisher>());
        return builder;
    }
}
