using System.Text;
using Genviral.Functions.Api;
using Microsoft.AspNetCore.Hosting;

namespace Genviral.Functions.Hosting;

/// <summary>
/// The app without the Functions host: an ASP.NET Core app that maps every HTTP function onto the route and methods
/// of its own trigger attribute, and runs the queue and timer functions itself with the host's semantics. This is how
/// it runs for scripts/run.sh, in the tests and the benchmarks, and on App Service, Container Apps or a VM.
/// </summary>
internal static class StandaloneHost
{
    public static async Task RunAsync(string[] args)
    {
        await using var app = await BuildAsync(args);
        await app.RunAsync();
    }

    /// <summary>The app on Kestrel, ready to start: storage resources created and every function mapped.</summary>
    internal static async Task<WebApplication> BuildAsync(string[] args)
    {
        // The content root is the app's own folder, wherever it is started from: appsettings.json holds standalone defaults.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddGenviralApp();
        var maxBody = builder.Configuration.GetSection(ApiOptions.SectionName).GetValue(nameof(ApiOptions.MaxRequestBodyBytes), new ApiOptions().MaxRequestBodyBytes);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = maxBody;
            // Kestrel refuses a header with non-ASCII bytes with a bare 400 before any app code runs. Latin-1 decodes
            // every byte, so such a request reaches the pipeline and gets an envelope (a token is ASCII: that one is a 401).
            k.RequestHeaderEncodingSelector = _ => Encoding.Latin1;
        });
        if (builder.Configuration.GetValue("Standalone:BackgroundWork", true))
        {
            builder.AddBackgroundFunctions(FunctionCatalog.App);
        }

        var app = builder.Build();
        await app.Services.CreateStorageResourcesAsync();
        app.MapFunctions(app.Services.GetRequiredService<FunctionCatalog>());
        return app;
    }

    /// <summary>One endpoint per HTTP function, from its trigger's route and methods, run through <see cref="ApiPipeline"/>.</summary>
    internal static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder app, FunctionCatalog catalog)
    {
        var pipeline = app.ServiceProvider.GetRequiredService<ApiPipeline>();
        foreach (var function in catalog.Http)
        {
            app.MapMethods("/" + function.Route, function.HttpMethods, context => InvokeAsync(pipeline, function, context))
                .WithName(function.Name)
                .WithMetadata(function);
        }

        return app;
    }

    private static async Task InvokeAsync(ApiPipeline pipeline, HttpFunction function, HttpContext context)
    {
        var result = await pipeline.InvokeAsync(context, function, () => FunctionInvoker.InvokeAsync(function, context.RequestServices, context));
        await result.ExecuteAsync(context);
    }

    /// <summary>The queue and timer functions, run by competing consumers and leased timers (see their classes).</summary>
    private static void AddBackgroundFunctions(this WebApplicationBuilder builder, FunctionCatalog catalog)
    {
        foreach (var function in catalog.Queue)
        {
            builder.Services.AddSingleton(sp => QueueWork(sp, function));
        }

        foreach (var function in catalog.Timer)
        {
            builder.Services.AddSingleton(sp => TimerWork(sp, function));
        }

        builder.Services.AddSingleton<StandaloneQueueListener>();
        builder.Services.AddSingleton<StandaloneTimer>();
        // Not AddHostedService: it keeps one registration per implementation type, and both of these are StartedLater.
        builder.Services.AddSingleton<IHostedService>(sp => new StartedLater(sp.GetRequiredService<StandaloneQueueListener>(), sp.GetRequiredService<IHostApplicationLifetime>()));
        builder.Services.AddSingleton<IHostedService>(sp => new StartedLater(sp.GetRequiredService<StandaloneTimer>(), sp.GetRequiredService<IHostApplicationLifetime>()));
    }

    /// <summary>
    /// Starts a background service a moment after the app is listening, not before: its first storage calls (and the
    /// JIT of the queue and blob clients) then do not compete with the first requests on a cold process. A queue
    /// message or a timer occurrence waits that much longer once, at start-up.
    /// </summary>
    private sealed class StartedLater(BackgroundService service, IHostApplicationLifetime lifetime) : IHostedService
    {
        private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
        // Not a CancellationTokenSource: under WebApplicationFactory the host is stopped twice (by the factory and by
        // Program's RunAsync), the second time after the container disposed this service and the one it starts.
        private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _started = Task.CompletedTask;
        private int _stops;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() => _started = StartLaterAsync());
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _stops) > 1)
            {
                return;
            }

            _stopping.TrySetResult();
            await _started;
            await service.StopAsync(cancellationToken);
        }

        private async Task StartLaterAsync()
        {
            if (await Task.WhenAny(Task.Delay(Delay), _stopping.Task) == _stopping.Task)
            {
                // Stopped before it started.
                return;
            }

            await service.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>A queue function as the standalone listener runs it: its queue, and an invocation in a scope of its own.</summary>
    internal static StandaloneQueueWork QueueWork(IServiceProvider services, QueueFunction function) =>
        new(function.Name, AppSettings.Resolve(function.QueueName, services.GetRequiredService<IConfiguration>()),
            (trigger, ct) => RunAsync(services, function, trigger, ct));

    /// <summary>A timer function as the standalone timer runs it: its schedule, and an invocation in a scope of its own.</summary>
    internal static StandaloneTimerWork TimerWork(IServiceProvider services, TimerFunction function) =>
        new(function.Name, AppSettings.Resolve(function.Schedule, services.GetRequiredService<IConfiguration>()),
            (timer, ct) => RunAsync(services, function, new(Timer: timer), ct));

    // Each run gets its own service scope, as each worker invocation does.
    private static async Task RunAsync(IServiceProvider services, FunctionDefinition function, FunctionInvoker.Trigger trigger, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider, trigger, cancellationToken);
    }
}
