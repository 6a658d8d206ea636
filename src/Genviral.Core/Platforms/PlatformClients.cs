using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Core.Platforms;

public static class PlatformClients
{
    /// <summary>
    /// For a typed client that a singleton holds for the life of the process (the connectors): the factory's handler
    /// rotation never reaches a client that is kept, so the pooled connection lifetime is what picks up DNS changes.
    /// </summary>
    public static IHttpClientBuilder KeptForTheProcess(this IHttpClientBuilder builder) =>
        builder
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
}
