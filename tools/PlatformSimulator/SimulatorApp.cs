using Genviral.PlatformSimulator.Publishing;
using Genviral.PlatformSimulator.Stats;

namespace Genviral.PlatformSimulator;

/// <summary>
/// A local stand-in for the TikTok, Instagram and YouTube APIs: the subset the connectors call, on the documented
/// paths and shapes, over real HTTP. Tests start it in-process on a free loopback port; scripts/run.sh starts it as
/// a process so the local demo publishes and refreshes without real platform accounts.
/// </summary>
public static class SimulatorApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddSingleton<SimulatorState>();

        var app = builder.Build();
        if (app.Configuration["PathBase"] is { Length: > 0 } pathBase)
        {
            // Served below a path, as a gateway in front of a platform would (a Platforms:*:BaseUrl with a path): a call
            // that lost the path gets a 404, as it would there.
            app.UsePathBase(pathBase);
            app.Use((context, next) => context.Request.PathBase.HasValue ? next(context) : Results.NotFound().ExecuteAsync(context));
            app.UseRouting();
        }

        app.MapGet("/", () => Results.Ok(new { service = "genviral-platform-simulator" }));
        // Each platform area adds its own routes here, one extension method per file/folder.
        app.MapPublishing();
        app.MapStats();
        return app;
    }
}
