using Genviral.Core.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;

namespace Genviral.Core.Platforms;

public static class PlatformClients
{
    /// <summary>
    /// The HttpClient of a platform connector, publishing or analytics alike: one call is bounded by
    /// Publishing:RequestTimeout and nothing else, since a failed call is tried again by the dispatcher or the queue,
    /// with backoff, never inside the call. The connectors live in singletons, so the client is kept for the process.
    /// </summary>
    public static void AddPlatformClient<TClient>(this IServiceCollection services)
        where TClient : class =>
        services.AddHttpClient<TClient>(NoClientTimeout)
            .KeptForTheProcess()
            .AddResilienceHandler("timeout", (pipeline, context) => pipeline.AddTimeout(Publishing(context.ServiceProvider).RequestTimeout));

    /// <summary>A named client with the same timeout rule, bounded by <paramref name="timeout"/> of <see cref="PublishingOptions"/>.</summary>
    public static void AddPlatformClient(this IServiceCollection services, string name, Func<PublishingOptions, TimeSpan> timeout) =>
        services.AddHttpClient(name, NoClientTimeout)
            .AddResilienceHandler("timeout", (pipeline, context) => pipeline.AddTimeout(timeout(Publishing(context.ServiceProvider))));

    /// <summary>
    /// For a typed client that a singleton holds for the life of the process (the connectors): the factory's handler
    /// rotation never reaches a client that is kept, so the pooled connection lifetime is what picks up DNS changes.
    /// </summary>
    private static IHttpClientBuilder KeptForTheProcess(this IHttpClientBuilder builder) =>
        builder
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

    // The resilience handler's timeout governs; HttpClient's own 100 s default would cut long polls and uploads short.
    private static void NoClientTimeout(HttpClient client) => client.Timeout = Timeout.InfiniteTimeSpan;

    private static PublishingOptions Publishing(IServiceProvider services) => services.GetRequiredService<IOptions<PublishingOptions>>().Value;
}
