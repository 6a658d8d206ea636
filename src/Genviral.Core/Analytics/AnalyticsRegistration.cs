using Genviral.Core.Platforms.Stats;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Core.Analytics;

public static class AnalyticsRegistration
{
    /// <summary>The analytics stores and services. The stats connectors need HttpClients and are registered by the app.</summary>
    public static IServiceCollection AddAnalyticsCore(this IServiceCollection services)
    {
        services.AddOptions<TikTokStatsOptions>().BindConfiguration(TikTokStatsOptions.SectionName);
        services.AddOptions<InstagramStatsOptions>().BindConfiguration(InstagramStatsOptions.SectionName);
        services.AddOptions<YouTubeStatsOptions>().BindConfiguration(YouTubeStatsOptions.SectionName);
        services.AddSingleton<CreditLedger>();
        services.AddSingleton<DailySnapshotIndex>();
        services.AddSingleton<AnalyticsStore>();
        services.AddSingleton<AnalyticsWork>();
        services.AddSingleton<PlatformPostMap>();
        services.AddSingleton<StatsConnectors>();
        services.AddSingleton<AnalyticsRefreshes>();
        services.AddSingleton<FreeSnapshotCapture>();
        services.AddSingleton<AnalyticsSummaries>();
        return services;
    }
}
