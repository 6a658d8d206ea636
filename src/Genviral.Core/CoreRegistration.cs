using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Core.Auth;
using Genviral.Core.Media;
using Genviral.Core.Platforms;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Genviral.Core;

public static class CoreRegistration
{
    /// <summary>Registers storage, the clock and the stores; shared by the app and the admin CLI.</summary>
    public static IHostApplicationBuilder AddGenviralCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AccessCacheOptions>().BindConfiguration(AccessCacheOptions.SectionName);
        // Platform calls, for publishing and analytics alike: where each platform is, and how long one call may take.
        builder.Services.AddOptions<PlatformsOptions>().BindConfiguration(PlatformsOptions.SectionName);
        builder.Services.AddOptions<PublishingOptions>().BindConfiguration(PublishingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccessCache>();
        builder.Services.AddSingleton<StorageClients>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Conflicts);
        builder.Services.AddSingleton<TenantStore>();
        builder.Services.AddSingleton<AccountStore>();
        builder.Services.AddSingleton<AccountCredentials>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<PostStore>();
        builder.Services.AddSingleton<PostSchedule>();
        builder.Services.AddSingleton<MediaWork>();
        builder.Services.AddSingleton<PublishNow>();
        builder.Services.AddSingleton<PostValidation>();
        builder.Services.AddSingleton<PostService>();
        builder.AddGenviralMedia();
        builder.Services.AddAnalyticsCore();
        builder.Services.AddWebhooks();
        return builder;
    }
}
