using System.Net;
using System.Text.Json;
using Genviral.Functions.Hosting;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Hosting;

/// <summary>
/// The two hosts cannot drift: what the worker tells the Functions host (the SDK's generated metadata), what standalone
/// mode serves (its endpoints) and what the OpenAPI document describes are the same functions, and they are the
/// contract written out below.
/// </summary>
public sealed class FunctionMetadataTests(SharedApiFactory factory)
{
    /// <summary>Operations that answer errors or serve the documentation itself, so the document leaves them out.</summary>
    private static readonly string[] Undescribed = ["GetOpenApiDocument", "GetDocs", "Fallback", "MissingAnalyticsTargetId", "MissingAnalyticsRefreshId"];

    /// <summary>Every function: trigger, methods, and route, queue or schedule. A change to any of them must be made here too.</summary>
    public static TheoryData<string, string, string, string> Expected => new()
    {
        { "Health", "httpTrigger", "GET", "health" },
        { "GetOpenApiDocument", "httpTrigger", "GET", "api/partner/v1/openapi.json" },
        { "GetDocs", "httpTrigger", "GET", "api/partner/v1/docs/{file?}" },
        { "Fallback", "httpTrigger", "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS", "{*path}" },
        { "ListAccounts", "httpTrigger", "GET", "api/partner/v1/accounts" },
        { "GetSubscription", "httpTrigger", "GET", "api/partner/v1/subscription" },
        { "CreatePost", "httpTrigger", "POST", "api/partner/v1/posts" },
        { "ListPosts", "httpTrigger", "GET", "api/partner/v1/posts" },
        { "GetPost", "httpTrigger", "GET", "api/partner/v1/posts/{id}" },
        { "UpdatePost", "httpTrigger", "PATCH", "api/partner/v1/posts/{id}" },
        { "DeletePosts", "httpTrigger", "POST", "api/partner/v1/posts/delete" },
        { "RetryPosts", "httpTrigger", "POST", "api/partner/v1/posts/retry" },
        { "ListAnalyticsTargets", "httpTrigger", "GET", "api/partner/v1/analytics/targets" },
        { "CreateAnalyticsTarget", "httpTrigger", "POST", "api/partner/v1/analytics/targets" },
        { "MissingAnalyticsTargetId", "httpTrigger", "PATCH,DELETE", "api/partner/v1/analytics/targets" },
        { "GetAnalyticsTarget", "httpTrigger", "GET", "api/partner/v1/analytics/targets/{id}" },
        { "UpdateAnalyticsTarget", "httpTrigger", "PATCH", "api/partner/v1/analytics/targets/{id}" },
        { "DeleteAnalyticsTarget", "httpTrigger", "DELETE", "api/partner/v1/analytics/targets/{id}" },
        { "RefreshAnalyticsTarget", "httpTrigger", "POST", "api/partner/v1/analytics/targets/{id}/refresh" },
        { "GetAnalyticsRefresh", "httpTrigger", "GET", "api/partner/v1/analytics/refreshes/{id}" },
        { "MissingAnalyticsRefreshId", "httpTrigger", "GET", "api/partner/v1/analytics/refreshes" },
        { "GetAnalyticsSummary", "httpTrigger", "GET", "api/partner/v1/analytics/summary" },
        { "ListAnalyticsPosts", "httpTrigger", "GET", "api/partner/v1/analytics/summary/posts" },
        { "CreateWebhook", "httpTrigger", "POST", "api/partner/v1/webhooks" },
        { "ListWebhooks", "httpTrigger", "GET", "api/partner/v1/webhooks" },
        { "GetWebhook", "httpTrigger", "GET", "api/partner/v1/webhooks/{id}" },
        { "UpdateWebhook", "httpTrigger", "PATCH", "api/partner/v1/webhooks/{id}" },
        { "DeleteWebhook", "httpTrigger", "DELETE", "api/partner/v1/webhooks/{id}" },
        { "RotateWebhookSecret", "httpTrigger", "POST", "api/partner/v1/webhooks/{id}/rotate-secret" },
        { "TestWebhook", "httpTrigger", "POST", "api/partner/v1/webhooks/{id}/test" },
        { "ListWebhookDeliveries", "httpTrigger", "GET", "api/partner/v1/webhooks/{id}/deliveries" },
        { "RecordKeyUsage", "queueTrigger", "", "key-usage" },
        { "RehostMedia", "queueTrigger", "", "media-rehost" },
        { "RunAnalyticsRefresh", "queueTrigger", "", "analytics-refresh" },
        { "DeliverWebhook", "queueTrigger", "", "webhook-delivery" },
        { "PublishPost", "queueTrigger", "", "publish-now" },
        { "PublishDuePosts", "timerTrigger", "", "%PublishDuePostsSchedule%" },
        { "CaptureFreeSnapshots", "timerTrigger", "", "%CaptureFreeSnapshotsSchedule%" },
        { "SweepWebhookOutbox", "timerTrigger", "", "%SweepWebhookOutboxSchedule%" },
        { "SweepMedia", "timerTrigger", "", "%SweepMediaSchedule%" },
    };

    [Fact]
    public void WorkerMetadata_ListsExactlyTheExpectedFunctions()
    {
        var expected = Expected.Select(row => row.Data.Item1).Order(StringComparer.Ordinal);

        Assert.Equal(expected, WorkerMetadata.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void WorkerMetadata_Function_HasItsTrigger(string name, string trigger, string methods, string target)
    {
        var function = Assert.Single(WorkerMetadata.Functions, f => f.Name == name);

        Assert.Equal(trigger, function.Type);
        Assert.Equal(methods, string.Join(',', function.Methods));
        Assert.Equal(target, function.Get(trigger switch { "httpTrigger" => "route", "queueTrigger" => "queueName", _ => "schedule" }));
    }

    [Fact]
    public void WorkerMetadata_HttpFunctions_AreAnonymousAndAnswerThroughTheirReturnValue()
    {
        Assert.All(WorkerMetadata.Functions.Where(f => f.Type == "httpTrigger"), f =>
        {
            Assert.Equal("Anonymous", f.Get("authLevel"));
            Assert.Contains(f.Bindings, b => b.GetProperty("name").GetString() == "$return" && b.GetProperty("type").GetString() == "http");
        });
    }

    [Fact]
    public void Catalog_IsTheWorkersFunctions_WithTheSameEntryPoints()
    {
        var catalog = FunctionCatalog.App;
        var standalone = catalog.Http.Concat<FunctionDefinition>(catalog.Queue).Concat(catalog.Timer)
            .Select(f => (f.Name, f.Method.DeclaringType!.FullName + "." + f.Method.Name)).Order();

        Assert.Equal(WorkerMetadata.Functions.Select(f => (f.Name, f.EntryPoint)).Order(), standalone);
    }

    [Fact]
    public void StandaloneEndpoints_AreExactlyTheWorkersHttpFunctions()
    {
        var served = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName, e.RoutePattern.RawText!.TrimStart('/'),
                string.Join(',', e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)))
            .Order();

        var declared = WorkerMetadata.Functions.Where(f => f.Type == "httpTrigger").Select(f => (f.Name, f.Get("route")!, string.Join(',', f.Methods))).Order();

        Assert.Equal(declared, served);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesExactlyTheWorkersHttpOperations()
    {
        using var client = factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/api/partner/v1/openapi.json", TestContext.Current.CancellationToken));

        var described = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (op.Value.GetProperty("operationId").GetString()!, path.Name, op.Name.ToUpperInvariant())))
            .Order();

        var declared = WorkerMetadata.Functions.Where(f => f.Type == "httpTrigger" && !Undescribed.Contains(f.Name))
            .SelectMany(f => f.Methods.Select(m => (f.Name, "/" + f.Get("route"), m)))
            .Order();
        Assert.Equal(declared, described);
    }

    [Theory]
    [InlineData("GET", "/api/partner/v1/nothing-here")]
    [InlineData("POST", "/")]
    [InlineData("PUT", "/api/partner/v1/posts/x/y/z")]
    public async Task Fallback_PathNoFunctionServes_Answers404NotFound(string method, string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("PUT", "/api/partner/v1/posts/abc", "GET, PATCH")]
    [InlineData("DELETE", "/api/partner/v1/accounts", "GET")]
    [InlineData("POST", "/health", "GET")]
    [InlineData("GET", "/api/partner/v1/analytics/targets/abc/refresh", "POST")]
    public async Task Fallback_PathServedWithOtherMethods_Answers405WithAllow(string method, string path, string allow)
    {
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
    }

    [Theory]
    [InlineData(new[] { "--host", "127.0.0.1", "--port", "7071", "--workerId", "w", "--requestId", "r" }, true)]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:7071/", "--functions-worker-id", "w" }, true)]
    [InlineData(new[] { "--urls", "http://localhost:5080" }, false)]
    [InlineData(new string[0], false)]
    public void WorkerHost_StartedByTheFunctionsHost_OnlyWithItsArguments(string[] args, bool expected)
    {
        Assert.Equal(expected, WorkerHost.IsStartedByFunctionsHost(args));
    }
}
