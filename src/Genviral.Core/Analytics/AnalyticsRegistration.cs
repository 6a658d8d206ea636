using Genviral.Core.Platforms;
using Genviral.Core.Platforms.Stats;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Core.Analytics;

public static class AnalyticsRegistration
{
    /// <summary>The analytics stores and services, and the stats connectors over platform clients (<see cref="PlatformClients"/>).</summary>
    public static IServiceCollection AddAnalyticsCore(this IServiceCollection services)
    {
        AddConnector<TikTokStatsConnector>(services);
        AddConnector<InstagramStatsConnector>(services);
        AddConnector<YouTubeStatsConnector>(services);
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

    private static void AddConnector<T>(IServiceCollection services)
        where T : class, IStatsConnector
    {
        services.AddPlatformClient<T>();
        services.AddSingleton<IStatsConnector>(sp => sp.GetRequiredService<T>());
    }
}
