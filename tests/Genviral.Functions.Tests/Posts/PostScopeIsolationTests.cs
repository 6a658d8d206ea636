using System.Net;
using System.Text.Json.Nodes;
using Genviral.Core.Posts;
using Genviral.Core.Tenancy;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Posts;

/// <summary>Another scope's post behaves exactly like a post that does not exist, on every endpoint.</summary>
public sealed class PostScopeIsolationTests(SharedApiFactory factory) : PostsTestBase(factory)
{
    [Theory]
    [InlineData(ScopeKind.Workspace)]
    [InlineData(ScopeKind.Personal)]
    public async Task EveryPostEndpoint_OtherScopesPost_LooksMissingAndStaysUntouched(ScopeKind otherKind)
    {
        var (owner, ownerClient, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(ownerClient, VideoPost(account.Id));
        await SetStatesAsync(owner, id, PostStatus.Failed);
        var other = await Factory.CreateTenantAsync(otherKind);
        using var client = Factory.CreateClient(other.Token);

        using var get = await client.GetAsync($"/api/partner/v1/posts/{id}", Ct);
        using var patch = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = "hijack" });
        using var delete = await PostJsonAsync(client, "/api/partner/v1/posts/delete", new JsonObject { ["postIds"] = new JsonArray(id) });
        using var retry = await PostJsonAsync(client, "/api/partner/v1/posts/retry", new JsonObject { ["post_ids"] = new JsonArray(id) });
        var list = await ListAsync(client);

        await EnvelopeAssert.ErrorAsync(get, HttpStatusCode.NotFound, "not_found");
        await EnvelopeAssert.ErrorAsync(patch, HttpStatusCode.NotFound, "not_found");
        var deleted = await EnvelopeAssert.SuccessAsync(delete, HttpStatusCode.OK, "Posts deleted");
        Assert.Equal([id], deleted.GetProperty("skipped").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(deleted.GetProperty("deletedIds").EnumerateArray());
        var retried = await EnvelopeAssert.SuccessAsync(retry, HttpStatusCode.OK, "Posts queued for retry");
        Assert.Equal([id], retried.GetProperty("failed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, retried.GetProperty("retried").GetInt32());
        Assert.Empty(list.GetProperty("posts").EnumerateArray());
        Assert.Equal(0, list.GetProperty("summary").GetProperty("total").GetInt64());
        var untouched = (await Store.GetAsync(owner.Scope, id, Ct))!.Post;
        Assert.Equal("Hello world", untouched.Caption);
        Assert.Equal(PostStatus.Failed, untouched.Status);
    }

    [Fact]
    public async Task CreatePost_WithAnotherScopesAccount_IsRefusedAsUnknown()
    {
        var (_, _, foreign) = await TenantWithAccountAsync();
        var (mine, client, _) = await TenantWithAccountAsync();

        using var response = await PostJsonAsync(client, "/api/partner/v1/posts", VideoPost(foreign.Id));

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "unknown_accounts");
        Assert.Equal(0, (await Store.GetSummaryAsync(mine.Scope, Ct)).Total);
    }
}
