using System.Net;
using System.Net.Http.Json;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Posts;

public sealed class IdempotencyTests(SharedApiFactory factory) : PostsTestBase(factory)
{
    private const string Path = "/api/partner/v1/posts";

    [Fact]
    public async Task CreatePost_SameExternalIdAndPayload_Returns200DuplicateWithTheOriginal()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id);
        body["external_id"] = "order-1";
        var id = await CreateAsync(client, body);

        using var replay = await PostJsonAsync(client, Path, body);

        var data = await EnvelopeAssert.SuccessAsync(replay, HttpStatusCode.OK, "Post already exists");
        Assert.Equal(id, data.GetProperty("id").GetString());
        Assert.True(data.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
    }

    [Fact]
    public async Task CreatePost_SameExternalIdDifferentPayload_Returns409CreateFailedAndWritesNothing()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id);
        body["external_id"] = "order-2";
        await CreateAsync(client, body);
        var changed = VideoPost(account.Id, "Another caption");
        changed["external_id"] = "order-2";

        using var response = await PostJsonAsync(client, Path, changed);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "create_failed");
        Assert.Equal(1, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
    }

    [Fact]
    public async Task CreatePost_SameExternalIdInAnotherScope_IsIndependent()
    {
        var (_, clientA, accountA) = await TenantWithAccountAsync();
        var (_, clientB, accountB) = await TenantWithAccountAsync();
        var a = VideoPost(accountA.Id);
        a["external_id"] = "shared";
        var b = VideoPost(accountB.Id);
        b["external_id"] = "shared";

        var idA = await CreateAsync(clientA, a);
        var idB = await CreateAsync(clientB, b);

        Assert.NotEqual(idA, idB);
    }

    [Fact]
    public async Task CreatePost_TenConcurrentIdenticalCreates_MakeExactlyOnePost()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id);
        body["external_id"] = "burst";

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.PostAsync(Path, JsonContent.Create(body), Ct)));

        var ids = new List<string>();
        foreach (var response in responses)
        {
            var root = await EnvelopeAssert.ReadAsync(response);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, root.ToString());
            ids.Add(root.GetProperty("data").GetProperty("id").GetString()!);
            response.Dispose();
        }

        Assert.Single(ids.Distinct());
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(1, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
        Assert.Single((await Store.ListAsync(tenant.Scope, null, null, null, null, 0, 50, Ct)).Posts);
    }

    [Fact]
    public async Task CreatePost_IdempotencyKeyHeader_ReplaysAndConflictsLikeExternalId()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await SendWithKeyAsync(client, VideoPost(account.Id), key);
        using var replay = await SendWithKeyAsync(client, VideoPost(account.Id), key);
        using var conflict = await SendWithKeyAsync(client, VideoPost(account.Id, "different"), key);

        var created = await EnvelopeAssert.SuccessAsync(first, HttpStatusCode.Created, "Post created");
        var replayed = await EnvelopeAssert.SuccessAsync(replay, HttpStatusCode.OK, "Post already exists");
        Assert.Equal(created.GetProperty("id").GetString(), replayed.GetProperty("id").GetString());
        await EnvelopeAssert.ErrorAsync(conflict, HttpStatusCode.Conflict, "create_failed");
        Assert.Equal(1, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
    }

    [Fact]
    public async Task CreatePost_WithoutAnyKey_CreatesEachTime()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();

        await CreateAsync(client, VideoPost(account.Id));
        await CreateAsync(client, VideoPost(account.Id));

        Assert.Equal(2, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
    }

    [Fact]
    public async Task CreatePost_ExternalIdOfDeletedPost_CreatesANewPost()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id);
        body["external_id"] = "recycled";
        var first = await CreateAsync(client, body);
        using var delete = await PostJsonAsync(client, Path + "/delete", new System.Text.Json.Nodes.JsonObject { ["postIds"] = new System.Text.Json.Nodes.JsonArray(first) });
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);

        using var again = await PostJsonAsync(client, Path, body);

        var data = await EnvelopeAssert.SuccessAsync(again, HttpStatusCode.Created, "Post created");
        Assert.NotEqual(first, data.GetProperty("id").GetString());
    }

    private static async Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, System.Text.Json.Nodes.JsonObject body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }
}
