using Genviral.Core;
using Genviral.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Genviral.Admin;

/// <summary>Builds the same Core services as the app, from the same configuration keys (Storage__ConnectionString, …).</summary>
internal static class AdminHost
{
    public static async Task<IHost> StartAsync(IDictionary<string, string?>? configOverrides, CancellationToken cancellationToken)
    {
        var initial = new ConfigurationManager();
        // One host per command: watching appsettings.json for changes would only cost a file watcher per run.
        initial.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Configuration = initial,
            // Not the working directory: `dotnet run --project` runs from wherever the user stands.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (configOverrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(configOverrides);
        }

        // stdout belongs to the command's result (--json must stay parseable), so the host logs nowhere.
        builder.Logging.ClearProviders();
        builder.AddGenviralCore();

        var host = builder.Build();
        try
        {
            // The host is never started (nothing runs in the background), so run ValidateOnStart's checks here.
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            if (host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateResources)
            {
                await host.Services.GetRequiredService<StorageClients>().CreateResourcesAsync(cancellationToken);
            }

            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
