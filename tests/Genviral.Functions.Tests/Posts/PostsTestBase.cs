using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Posts;

/// <summary>Helpers shared by the posts tests: a tenant with accounts, request bodies, and direct store access.</summary>
public abstract class PostsTestBase(ApiFactory factory)
{
    protected ApiFactory Factory { get; } = factory;

    internal PostStore Store => Factory.Services.GetRequiredService<PostStore>();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal async Task<(Tenant Tenant, HttpClient Client, SocialAccount Account)> TenantWithAccountAsync(
        Platform platform = Platform.Tiktok, AccountType type = AccountType.Hosted)
    {
        var tenant = await Factory.CreateTenantAsync();
        var account = await Factory.AddAccountAsync(tenant, platform, type);
        return (tenant, Factory.CreateClient(tenant.Token), account);
    }

    /// <summary>A tenant with two accounts and a client; <see cref="TwoAccountPost"/> makes a body targeting both.</summary>
    internal async Task<(Tenant Tenant, HttpClient Client, SocialAccount A, SocialAccount B)> TenantWithTwoAccountsAsync()
    {
        var tenant = await Factory.CreateTenantAsync();
        var a = await Factory.AddAccountAsync(tenant);
        var b = await Factory.AddAccountAsync(tenant);
        return (tenant, Factory.CreateClient(tenant.Token), a, b);
    }

    protected static JsonObject TwoAccountPost(string a, string b)
    {
        var body = VideoPost(a);
        body["accounts"] = new JsonArray(new JsonObject { ["id"] = a }, new JsonObject { ["id"] = b });
        return body;
    }

    protected static JsonObject VideoPost(string accountId, string caption = "Hello world", string url = "https://cdn.example.com/clip.mp4") => new()
    {
        ["caption"] = caption,
        ["accounts"] = new JsonArray(new JsonObject { ["id"] = accountId }),
        ["media"] = new JsonObject { ["type"] = "video", ["url"] = url },
    };

    protected static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, JsonNode body) =>
        await client.PostAsync(path, JsonContent.Create(body), Ct);

    protected static async Task<HttpResponseMessage> PatchJsonAsync(HttpClient client, string id, JsonNode body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/partner/v1/posts/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request, Ct);
    }

    protected static async Task<string> CreateAsync(HttpClient client, JsonObject body)
    {
        using var response = await PostJsonAsync(client, "/api/partner/v1/posts", body);
        var root = await EnvelopeAssert.ReadAsync(response);
        Assert.True(response.IsSuccessStatusCode, root.ToString());
        return root.GetProperty("data").GetProperty("id").GetString()!;
    }

    protected static async Task<JsonElement> ListAsync(HttpClient client, string query = "")
    {
        using var response = await client.GetAsync("/api/partner/v1/posts" + query, Ct);
        return await EnvelopeAssert.SuccessAsync(response, System.Net.HttpStatusCode.OK, "Posts retrieved");
    }

    /// <summary>What the publisher will do: set account states directly in storage.</summary>
    internal async Task SetStatesAsync(Tenant tenant, string postId, params PostStatus[] statuses)
    {
        var stored = await Store.GetAsync(tenant.Scope, postId, Ct);
        var states = stored!.Post.States.Select((s, i) => s with { Status = statuses[i], ErrorMessage = statuses[i] == PostStatus.Failed ? "platform said no" : null }).ToList();
        await Store.UpdateAsync(tenant.Scope, stored, stored.Post with { States = states }, Ct);
    }
}
