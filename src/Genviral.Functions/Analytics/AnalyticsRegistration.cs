using Genviral.Core.Platforms;
using Genviral.Core.Platforms.Stats;

namespace Genviral.Functions.Analytics;

internal static class AnalyticsRegistration
{
    /// <summary>The stats connectors: typed HttpClients over the configured base URLs.</summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        AddConnector<TikTokStatsConnector>(services);
        AddConnector<InstagramStatsConnector>(services);
        AddConnector<YouTubeStatsConnector>(services);
        return services;
    }

    private static void AddConnector<T>(IServiceCollection services)
        where T : class, IStatsConnector
    {
        // The connectors live in singletons, so each keeps its client.
        services.AddHttpClient<T>(c => c.Timeout = TimeSpan.FromSeconds(30)).KeptForTheProcess();
        services.AddSingleton<IStatsConnector>(sp => sp.GetRequiredService<T>());
    }
}
