using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Genviral.Core.Media;

public static class MediaRegistration
{
    /// <summary>The media pipeline: its options, the address rule and the SSRF-safe fetcher, the re-hosting, the signer of media URLs, the sweep of unused blobs.</summary>
    public static IHostApplicationBuilder AddGenviralMedia(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MediaAddressRule>();
        builder.Services.AddSingleton<MediaHttp>();
        builder.Services.AddSingleton<MediaRehoster>();
        builder.Services.AddSingleton<MediaSigner>();
        builder.Services.AddSingleton<MediaPipeline>();
        builder.Services.AddSingleton<MediaReferences>();
        builder.Services.AddSingleton<MediaSweeper>();
        return builder;
    }
}
