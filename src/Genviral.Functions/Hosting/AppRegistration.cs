using Azure.Monitor.OpenTelemetry.Exporter;
using Genviral.Core;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Genviral.Functions.Webhooks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;

namespace Genviral.Functions.Hosting;

internal static class AppRegistration
{
    /// <summary>Everything the functions need, the same under the worker and in standalone mode.</summary>
    public static IHostApplicationBuilder AddGenviralApp(this IHostApplicationBuilder builder)
    {
        builder.AddGenviralCore();
        builder.AddGenviralPublishing();
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName);
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.AddSingleton(FunctionCatalog.App);
        services.AddSingleton<ApiPipeline>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<ApiDocument>();
        services.AddSingleton<JsonBody>();
        services.AddSingleton<KeyUsageRecorder>();
        services.AddSingleton<WebhookPayloads>();
        builder.AddTelemetry();
        return builder;
    }

    /// <summary>Creates missing tables, queues and containers when Storage:CreateResources asks for it (locally; Bicep declares them in Azure).</summary>
    public static async Task CreateStorageResourcesAsync(this IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateResources)
        {
            await services.GetRequiredService<StorageClients>().CreateResourcesAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// OpenTelemetry traces, metrics and logs, exported to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING
    /// is set (in Azure). Application Insights there accepts Entra-authenticated telemetry only, so the exporter signs
    /// in as the managed identity that APPLICATIONINSIGHTS_AUTHENTICATION_STRING names.
    /// </summary>
    private static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is not { Length: > 0 })
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry();
        if (builder is Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder)
        {
            telemetry.UseFunctionsWorkerDefaults();
        }

        var clientId = TelemetryIdentity.ClientId(builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        telemetry.UseAzureMonitorExporter(o =>
        {
            if (clientId is not null)
            {
                o.Credential = new Azure.Identity.ManagedIdentityCredential(Azure.Identity.ManagedIdentityId.FromUserAssignedClientId(clientId));
            }
        });
    }
}

internal static class TelemetryIdentity
{
    /// <summary>The ClientId of an Application Insights authentication string (<c>Authorization=AAD;ClientId=…</c>), if it names one.</summary>
    public static string? ClientId(string? authenticationString) =>
        authenticationString?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(kv => kv.Length == 2 && kv[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase) && kv[1].Length > 0)
            .Select(kv => kv[1])
            .FirstOrDefault();
}
