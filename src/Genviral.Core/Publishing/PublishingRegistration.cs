using Genviral.Core.Platforms;
using Genviral.Core.Platforms.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Publishing;

public static class PublishingRegistration
{
    /// <summary>
    /// The dispatcher and the three platform connectors. Each HTTP client gets a timeout and nothing else: a failed
    /// call is retried by the dispatcher on a later tick, with backoff, never inside the call.
    /// </summary>
    public static IHostApplicationBuilder AddGenviralPublishing(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PublishingOptions>().BindConfiguration(PublishingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PlatformsOptions>().BindConfiguration(PlatformsOptions.SectionName);
        services.AddSingleton<PostDispatcher>();

        // The singleton dispatcher holds the TikTok and Instagram publishers, and with them their clients.
        services.AddHttpClient<TikTokPublisher>((sp, c) => Configure(c, sp.GetRequiredService<IOptions<PlatformsOptions>>().Value.TikTok))
            .KeptForTheProcess()
            .AddResilienceHandler("timeout", (pipeline, context) => pipeline.AddTimeout(Options(context.ServiceProvider).RequestTimeout));
        services.AddHttpClient<InstagramPublisher>((sp, c) => Configure(c, sp.GetRequiredService<IOptions<PlatformsOptions>>().Value.Instagram))
            .KeptForTheProcess()
            .AddResilienceHandler("timeout", (pipeline, context) => pipeline.AddTimeout(Options(context.ServiceProvider).RequestTimeout));
        services.AddHttpClient(YouTubePublisher.ApiClient, (sp, c) => Configure(c, sp.GetRequiredService<IOptions<PlatformsOptions>>().Value.YouTube))
            .AddResilienceHandler("timeout", (pipeline, context) => pipeline.AddTimeout(Options(context.ServiceProvider).RequestTimeout));
        services.AddHttpClient(YouTubePublisher.UploadClient, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("timeout", (pipeline, context) => pipeline.AddTimeout(Options(context.ServiceProvider).UploadTimeout));
        services.AddSingleton<YouTubePublisher>();
        services.AddTransient<IPlatformPublisher>(sp => sp.GetRequiredService<TikTokPublisher>());
        services.AddTransient<IPlatformPublisher>(sp => sp.GetRequiredService<InstagramPublisher>());
        services.AddTransient<IPlatformPublisher>(sp => sp.GetRequiredService<YouTubePublisher>());
        return builder;
    }

    private static PublishingOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<PublishingOptions>>().Value;

    private static void Configure(HttpClient client, PlatformOptions platform)
    {
        client.BaseAddress = platform.BaseUrl;
        // The resilience handler's timeout governs; HttpClient's own 100 s default would cut long polls short.
        client.Timeout = Timeout.InfiniteTimeSpan;
    }
}
