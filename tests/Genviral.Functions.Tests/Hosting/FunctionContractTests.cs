using System.Text.Json;
using Genviral.Core.Storage;
using Genviral.Functions.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Hosting;

/// <summary>host.json, the functions/*/function.json files and the app's routes must describe the same app.</summary>
public sealed class FunctionContractTests(CustomHandlerFactory factory) : IClassFixture<CustomHandlerFactory>
{
    private static readonly string Root = FindRepoRoot();

    [Fact]
    public void HostJson_ConfiguresRawForwardingCustomHandler()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("[4.*, 5.0.0)", root.GetProperty("extensionBundle").GetProperty("version").GetString());
        var handler = root.GetProperty("customHandler");
        Assert.Equal("app/Genviral.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var queues = root.GetProperty("extensions").GetProperty("queues");
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        var defaults = new QueueOptions();
        Assert.Equal(defaults.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal(defaults.VisibilityTimeout, TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void QueueFunctions_MatchTheirFunctionJson()
    {
        var declared = Functions().Where(f => f.Trigger == "queueTrigger").ToDictionary(f => f.Name, f => f.Binding.GetProperty("queueName").GetString()!);
        var registered = factory.Services.GetServices<IQueueFunction>().ToDictionary(f => f.Name, f => f.Queue);

        Assert.Equal(declared.OrderBy(p => p.Key), registered.OrderBy(p => p.Key));
        Assert.All(registered.Values, q => Assert.Contains(q, StorageNames.Queues));
        Assert.All(Functions().Where(f => f.Trigger == "queueTrigger"), f => Assert.Equal("AzureWebJobsStorage", f.Binding.GetProperty("connection").GetString()));
    }

    [Fact]
    public void TimerFunctions_MatchTheirFunctionJson()
    {
        var declared = Functions().Where(f => f.Trigger == "timerTrigger").Select(f => f.Name).Order();
        var registered = factory.Services.GetServices<ITimerFunction>().Select(f => f.Name).Order();

        Assert.Equal(declared, registered);
    }

    [Fact]
    public void TriggerFunctions_EachHaveAnInvocationRoute()
    {
        var routes = AppRoutes();

        foreach (var function in Functions().Where(f => f.Trigger is "queueTrigger" or "timerTrigger"))
        {
            Assert.Contains(("POST", "/" + function.Name), routes);
        }
    }

    [Fact]
    public void HttpFunctions_AreRawForwardedAndCoverEveryApiRoute()
    {
        var http = Functions().Where(f => f.Trigger == "httpTrigger").ToList();
        Assert.All(http, f =>
        {
            // Raw forwarding applies only to functions with exactly one httpTrigger in and one http out.
            Assert.Equal(2, f.Bindings.Count);
            Assert.Contains(f.Bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "out");
            Assert.Equal("anonymous", f.Binding.GetProperty("authLevel").GetString());
        });
        var prefixes = http.Select(f => "/" + f.Binding.GetProperty("route").GetString()!.Replace("{*path}", "", StringComparison.Ordinal)).ToList();
        var triggerNames = Functions().Where(f => f.Trigger != "httpTrigger").Select(f => "/" + f.Name).ToHashSet();

        foreach (var (_, route) in AppRoutes().Where(r => r.Route != "/" && !triggerNames.Contains(r.Route)))
        {
            Assert.True(prefixes.Any(p => p.EndsWith('/') ? route.StartsWith(p, StringComparison.Ordinal) : route == p), $"no HTTP function forwards {route}");
        }

        // And no public HTTP function route can reach a trigger invocation path.
        Assert.All(triggerNames, t => Assert.DoesNotContain(prefixes, p => p.EndsWith('/') ? t.StartsWith(p, StringComparison.Ordinal) : t == p));
    }

    private List<(string Method, string Route)> AppRoutes() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (m, "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))))];

    private static List<FunctionDefinition> Functions() =>
        [.. Directory.GetDirectories(Path.Combine(Root, "functions")).Select(dir =>
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "function.json")));
            var bindings = json.RootElement.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToList();
            var trigger = bindings.Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return new FunctionDefinition(Path.GetFileName(dir), trigger.GetProperty("type").GetString()!, trigger, bindings);
        })];

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Genviral.Functions.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found");
    }

    private sealed record FunctionDefinition(string Name, string Trigger, JsonElement Binding, List<JsonElement> Bindings);
}
