using Genviral.Core;
using Genviral.Core.Publishing;
using Genviral.Functions.Analytics;
using Genviral.Functions.Api;
using Genviral.Functions.Auth;
using Genviral.Functions.Media;
using Genviral.Functions.Posts;
using Genviral.Functions.Publishing;
using Microsoft.AspNetCore.Http.Json;

namespace Genviral.Functions.Hosting;

internal static class AppRegistration
{
    /// <summary>Everything the app registers, in one place so Program.cs reads as the pipeline.</summary>
    public static WebApplicationBuilder AddGenviralApi(this WebApplicationBuilder builder)
    {
        builder.AddGenviralCore();
        builder.AddGenviralPublishing();
        if (HostingMode.CustomHandlerPort(builder.Configuration) is { } port)
        {
            // The host forwards to 127.0.0.1 on the port it chose; nothing else may reach the handler.
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName);
        var maxBody = builder.Configuration.GetSection(ApiOptions.SectionName).GetValue(nameof(ApiOptions.MaxRequestBodyBytes), new ApiOptions().MaxRequestBodyBytes);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBody);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            // Converters named on the source-generated context apply only to its own options, so add it here too.
            o.SerializerOptions.Converters.Add(new UtcTimestampConverter());
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddProblemDetails();
        services.AddApiDocument();
        services.AddSingleton<JsonBody>();
        services.AddSingleton<PostValidation>();
        services.AddSingleton<KeyUsageRecorder>();
        services.AddSingleton<IQueueFunction, RecordKeyUsageFunction>();
        services.AddSingleton<IQueueFunction, RehostMediaFunction>();
        services.AddSingleton<ITimerFunction, PublishDuePostsFunction>();
        services.AddAnalytics();

        var standaloneWork = builder.Configuration.GetValue("Standalone:BackgroundWork", true);
        if (!HostingMode.IsCustomHandler(builder.Configuration) && standaloneWork)
        {
            services.AddHostedService<StandaloneQueueListener>();
            services.AddHostedService<StandaloneTimer>();
        }

        return builder;
    }
}
