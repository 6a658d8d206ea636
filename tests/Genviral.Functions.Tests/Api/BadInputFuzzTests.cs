using System.Net;
using System.Text;
using System.Text.Json;
using Genviral.Core.Posts;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Functions.Tests.Posts;

namespace Genviral.Functions.Tests.Api;

/// <summary>Throws malformed requests at every route: whatever comes back is an envelope and never a 5xx.</summary>
public sealed class BadInputFuzzTests(SharedApiFactory factory) : PostsTestBase(factory)
{
    private static readonly string[] Paths =
    [
        "/", "/health", "/api/partner/v1/accounts", "/api/partner/v1/subscription", "/api/partner/v1/accounts?x=%ZZ",
        "/api/partner/v1/%2e%2e/accounts", "/api/partner/v1/accounts/../subscription", "/api/partner/v1/" + new string('a', 3000),
        "/api/partner/v1/accounts?" + string.Join('&', Enumerable.Range(0, 200).Select(i => $"k{i}=v")),
        "/RecordKeyUsage", "/api/partner/v1/posts", "/api/partner/v1/posts/delete", "/api/partner/v1/posts/retry",
        "/api/partner/v1/posts/" + Guid.NewGuid(), "/api/partner/v1/posts/not-a-guid", "/api/partner/v1/posts?limit=abc&cursor=%00",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private static readonly string?[] Tokens =
    [
        null, "Bearer", "Bearer \u00e9\u00e9\u00e9", "Bearer gva_live_.", "Bearer ...........", "Bearer " + new string('x', 5000),
        "Bearer gva_live_0123456789ab." + new string('A', 43),
    ];

    private static readonly string[] Bodies =
    [
        "", "{", "null", "[1,2]", "\"text\"", "{\"a\":" + new string('[', 200) + new string(']', 200) + "}", "\u0000\u0001binary",
        "{\"caption\":null,\"accounts\":[{}],\"media\":{\"type\":\"video\",\"url\":null}}",
        "{\"caption\":\"x\",\"accounts\":[{\"id\":\"\u0000\"}],\"media\":{\"type\":\"slideshow\",\"urls\":[null]},\"scheduled_at\":12}",
        "{\"postIds\":[null,{},[]],\"post_ids\":7,\"account_ids\":\"x\"}",
        "{\"caption\":\"x\",\"scheduled_at\":\"9999-12-31T23:59:59+14:00\",\"external_id\":{}}",
    ];

    [Fact]
    public async Task AnyMalformedRequest_IsAnsweredWithAnEnvelopeAndNever5xx()
    {
        var tenant = await Factory.CreateTenantAsync();
        using var client = Factory.CreateClient();
        var random = new Random(20261123);
        var tokens = Tokens.Append("Bearer " + tenant.Token).ToArray();
        for (var i = 0; i < 600; i++)
        {
            var method = Methods[random.Next(Methods.Length)];
            using var request = new HttpRequestMessage(new HttpMethod(method), Paths[random.Next(Paths.Length)]);
            if (tokens[random.Next(tokens.Length)] is { } token)
            {
                request.Headers.TryAddWithoutValidation("Authorization", token);
            }

            if (method is not ("GET" or "HEAD"))
            {
                var contentType = random.Next(3) switch { 0 => "application/json", 1 => "text/plain", _ => "application/x-www-form-urlencoded" };
                request.Content = new StringContent(Bodies[random.Next(Bodies.Length)], Encoding.UTF8, contentType);
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.True((int)response.StatusCode < 500, $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}");
            if (method == "HEAD")
            {
                continue;
            }

            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            using var document = JsonDocument.Parse(body);
            Assert.Equal((int)response.StatusCode, document.RootElement.GetProperty("code").GetInt32());
            if (!response.IsSuccessStatusCode)
            {
                Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("error_code").GetString()));
            }
        }
    }

    [Fact]
    public async Task BodyWithInvalidUtf8_EveryPostsBodyRoute_Returns400InvalidJsonAndWritesNothing()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));
        await SetStatesAsync(tenant, id, PostStatus.Failed);
        var before = await Store.GetAsync(tenant.Scope, id, Ct);
        (HttpMethod Method, string Path, string Json)[] routes =
        [
            (HttpMethod.Post, "/api/partner/v1/posts", $$$"""{"caption":"Hi §","accounts":[{"id":"{{{account.Id}}}"}],"media":{"type":"video","url":"https://cdn.example.com/clip.mp4"}}"""),
            (HttpMethod.Patch, $"/api/partner/v1/posts/{id}", """{"caption":"Changed §"}"""),
            (HttpMethod.Post, "/api/partner/v1/posts/delete", $$"""{"postIds":["{{id}}","§"]}"""),
            (HttpMethod.Post, "/api/partner/v1/posts/retry", $$"""{"post_ids":["{{id}}","§"]}"""),
        ];

        foreach (var (method, path, json) in routes)
        {
            await InvalidUtf8.AssertRefusedAsync(client, method, path, json);
        }

        var after = await Store.GetAsync(tenant.Scope, id, Ct);
        Assert.Equal(before!.ETag, after?.ETag);
        Assert.Equal(1, (await ListAsync(client)).GetProperty("summary").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task OversizedHeaderToken_Returns401NotAFault()
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/partner/v1/accounts");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('a', 10_000));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }
}
