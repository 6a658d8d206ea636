using System.Net;
using System.Text;
using System.Text.Json;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Api;

public sealed class EnvelopeTests(SharedApiFactory factory)
{
    [Theory]
    [InlineData("/api/partner/v1/nope")]
    [InlineData("/api/partner/v1/accounts/extra/segments")]
    [InlineData("/totally/unknown")]
    public async Task UnknownRoute_Returns404NotFoundEnvelope(string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("POST", "/api/partner/v1/accounts")]
    [InlineData("DELETE", "/api/partner/v1/subscription")]
    [InlineData("PUT", "/health")]
    public async Task WrongMethod_Returns405MethodNotAllowedEnvelope(string method, string path)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task GetDocs_ServesTheReferencePageAndTheScriptsItLoads()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var ct = TestContext.Current.CancellationToken;

        using var bare = await client.GetAsync("/api/partner/v1/docs", ct);
        using var page = await client.GetAsync("/api/partner/v1/docs/", ct);
        using var script = await client.GetAsync("/api/partner/v1/docs/scalar.js", ct);
        using var missing = await client.GetAsync("/api/partner/v1/docs/other.js", ct);

        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("docs/", bare.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Contains("<script src=\"scalar.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"api/partner/v1/openapi.json\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync(ct)).Length > 100_000);
        await EnvelopeAssert.ErrorAsync(missing, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task GetHealth_StorageReachable_ReturnsHealthy()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Healthy");
        Assert.Equal("healthy", data.GetProperty("status").GetString());
        Assert.Equal("reachable", data.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task GetOpenApi_DescribesEndpointsSecurityAndErrorCodes()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/partner/v1/openapi.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var root = document.RootElement;
        Assert.StartsWith("3.1", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = root.GetProperty("paths");
        var accounts = paths.GetProperty("/api/partner/v1/accounts").GetProperty("get");
        Assert.Equal("ListAccounts", accounts.GetProperty("operationId").GetString());
        Assert.True(accounts.TryGetProperty("security", out _));
        foreach (var status in new[] { "200", "401", "402", "403", "500" })
        {
            Assert.True(accounts.GetProperty("responses").TryGetProperty(status, out _), $"GET /accounts documents {status}");
        }

        Assert.True(paths.TryGetProperty("/api/partner/v1/subscription", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
        Assert.False(paths.TryGetProperty("/RecordKeyUsage", out _));
        var schemas = root.GetProperty("components").GetProperty("schemas");
        var errorCodes = schemas.GetProperty("ErrorEnvelope").GetProperty("properties").GetProperty("error_code").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("invalid_token", errorCodes);
        Assert.Contains("subscription_required", errorCodes);
        Assert.Contains("tier_not_allowed", errorCodes);
        Assert.Equal("http", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("type").GetString());
    }

    [Fact]
    public async Task GetOpenApi_EveryOperation_Documents503StorageUnavailableWithRetryAfter()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/partner/v1/openapi.json", TestContext.Current.CancellationToken);

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var operations = document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, operation =>
        {
            // Every described operation reads storage (keyed ones at least to authenticate), so every one can answer 503.
            Assert.True(operation.Value.GetProperty("responses").TryGetProperty("503", out var unavailable), operation.Value.GetProperty("operationId").GetString());
            Assert.True(unavailable.GetProperty("headers").TryGetProperty("Retry-After", out _));
        });
    }

    [Fact]
    public async Task GetOpenApi_DescribesEveryPostsOperationWithExamples()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/partner/v1/openapi.json", TestContext.Current.CancellationToken);

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths");
        var operations = new[]
        {
            ("/api/partner/v1/posts", "post", "CreatePost"), ("/api/partner/v1/posts", "get", "ListPosts"), ("/api/partner/v1/posts/{id}", "get", "GetPost"),
            ("/api/partner/v1/posts/{id}", "patch", "UpdatePost"), ("/api/partner/v1/posts/delete", "post", "DeletePosts"), ("/api/partner/v1/posts/retry", "post", "RetryPosts"),
        };
        foreach (var (path, method, name) in operations)
        {
            Assert.Equal(name, paths.GetProperty(path).GetProperty(method).GetProperty("operationId").GetString());
        }

        var create = paths.GetProperty("/api/partner/v1/posts").GetProperty("post");
        var requestExample = create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("video", requestExample.GetProperty("media").GetProperty("type").GetString());
        Assert.Equal("validation_failed", create.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("error_code").GetString());
        Assert.True(create.GetProperty("responses").TryGetProperty("409", out _));
        var codes = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ErrorEnvelope").GetProperty("properties")
            .GetProperty("error_code").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("too_many_post_ids", codes);
        Assert.Contains("external_id_immutable", codes);
        Assert.Contains("precondition_failed", codes);
    }

    [Fact]
    public async Task GetDocs_ServesTheReferencePage()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/partner/v1/docs", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("openapi.json", html, StringComparison.Ordinal);
    }
}
