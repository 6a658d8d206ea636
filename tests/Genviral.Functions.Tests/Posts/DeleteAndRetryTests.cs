using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Posts;

public sealed class DeleteAndRetryTests(SharedApiFactory factory) : PostsTestBase(factory)
{
    private const string DeletePath = "/api/partner/v1/posts/delete";
    private const string RetryPath = "/api/partner/v1/posts/retry";

    [Fact]
    public async Task DeletePosts_Mixed_ReportsDeletedBlockedAndSkippedAndLeavesNothingBehind()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var deletable = await CreateAsync(client, VideoPost(account.Id));
        var posted = await CreateAsync(client, VideoPost(account.Id));
        await SetStatesAsync(tenant, posted, PostStatus.Posted);
        var missing = Guid.NewGuid().ToString();
        var due = (await Store.GetAsync(tenant.Scope, deletable, Ct))!.Post.DueAt;

        using var response = await PostJsonAsync(client, DeletePath, new JsonObject { ["postIds"] = new JsonArray(deletable, posted, missing, deletable, "not-a-uuid") });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Posts deleted");
        Assert.Equal([deletable], data.GetProperty("deletedIds").EnumerateArray().Select(e => e.GetString()));
        var blocked = Assert.Single(data.GetProperty("blockedStatuses").EnumerateArray());
        Assert.Equal(posted, blocked.GetProperty("id").GetString());
        Assert.Equal("posted", blocked.GetProperty("status").GetString());
        Assert.Equal([missing, "not-a-uuid"], data.GetProperty("skipped").EnumerateArray().Select(e => e.GetString()));
        Assert.False(data.TryGetProperty("errors", out _));
        using var get = await client.GetAsync($"/api/partner/v1/posts/{deletable}", Ct);
        await EnvelopeAssert.ErrorAsync(get, HttpStatusCode.NotFound, "not_found");
        var list = await ListAsync(client);
        Assert.Equal([posted], list.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(1, list.GetProperty("summary").GetProperty("total").GetInt64());
        Assert.Equal(0, list.GetProperty("summary").GetProperty("by_status").GetProperty("pending").GetInt64());
        Assert.Empty((await ListAsync(client, "?status=pending")).GetProperty("posts").EnumerateArray());
        var entry = await Factory.Storage.Table(StorageNames.ScheduleTable).GetEntityIfExistsAsync<TableEntity>(PostSchedule.Bucket(due), PostSchedule.Row(tenant.Scope, deletable), cancellationToken: Ct);
        Assert.False(entry.HasValue);
    }

    [Fact]
    public async Task DeletePosts_SnakeCaseIds_AreAccepted()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));

        using var response = await PostJsonAsync(client, DeletePath, new JsonObject { ["post_ids"] = new JsonArray(id) });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Posts deleted");
        Assert.Equal([id], data.GetProperty("deletedIds").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task DeletePosts_FiftyOneIds_Returns400TooManyPostIdsAndDeletesNothing()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));
        var ids = new JsonArray([id, .. Enumerable.Range(0, 50).Select(_ => (JsonNode)Guid.NewGuid().ToString())]);

        using var response = await PostJsonAsync(client, DeletePath, new JsonObject { ["postIds"] = ids });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "too_many_post_ids");
        Assert.NotNull(await Store.GetAsync(tenant.Scope, id, Ct));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"postIds\":[]}")]
    [InlineData("{\"postIds\":\"abc\"}")]
    [InlineData("{\"postIds\":[1]}")]
    public async Task DeletePosts_BadIds_Returns422InvalidPayload(string body)
    {
        var (_, client, _) = await TenantWithAccountAsync();

        using var response = await client.PostAsync(DeletePath, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_payload");
    }

    [Fact]
    public async Task RetryPosts_FailedAndPartial_ResetsOnlyFailedStates()
    {
        var (tenant, client, a, b) = await TenantWithTwoAccountsAsync();
        using var ownedClient = client;
        var failed = await CreateAsync(client, VideoPost(a.Id));
        var partial = await CreateAsync(client, TwoAccountPost(a.Id, b.Id));
        var pending = await CreateAsync(client, VideoPost(a.Id));
        await SetStatesAsync(tenant, failed, PostStatus.Failed);
        await SetStatesAsync(tenant, partial, PostStatus.Posted, PostStatus.Failed);
        var missing = Guid.NewGuid().ToString();

        using var response = await PostJsonAsync(client, RetryPath, new JsonObject { ["post_ids"] = new JsonArray(failed, partial, pending, missing) });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Posts queued for retry");
        Assert.Equal(2, data.GetProperty("retried").GetInt32());
        Assert.Equal([failed, partial], data.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([pending, missing], data.GetProperty("failed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Only failed or partial posts can be retried", data.GetProperty("errors").GetProperty(pending).GetString());
        Assert.Equal("Post not found", data.GetProperty("errors").GetProperty(missing).GetString());
        var partialPost = (await Store.GetAsync(tenant.Scope, partial, Ct))!.Post;
        Assert.Equal(PostStatus.Retry, partialPost.Status);
        Assert.Equal([PostStatus.Posted, PostStatus.Retry], partialPost.States.Select(s => s.Status));
        Assert.Null(partialPost.States[1].ErrorMessage);
        var summary = await Store.GetSummaryAsync(tenant.Scope, Ct);
        Assert.Equal(2, summary.Count(PostStatus.Retry));
        Assert.Equal(0, summary.Count(PostStatus.Failed));
        Assert.Equal(0, summary.Count(PostStatus.Partial));
    }

    [Fact]
    public async Task RetryPosts_AccountIds_ResetsOnlyThoseAndOmitsErrorsWhenAllSucceed()
    {
        var (tenant, client, a, b) = await TenantWithTwoAccountsAsync();
        using var ownedClient = client;
        var id = await CreateAsync(client, TwoAccountPost(a.Id, b.Id));
        await SetStatesAsync(tenant, id, PostStatus.Failed, PostStatus.Failed);

        using var response = await PostJsonAsync(client, RetryPath, new JsonObject { ["post_ids"] = new JsonArray(id), ["account_ids"] = new JsonArray(b.Id) });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Posts queued for retry");
        Assert.False(data.TryGetProperty("errors", out _));
        Assert.Equal([PostStatus.Failed, PostStatus.Retry], (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.States.Select(s => s.Status));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"post_ids\":[]}")]
    [InlineData("{\"post_ids\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\",\"r\",\"s\",\"t\",\"u\"]}")]
    [InlineData("{\"post_ids\":[\"a\"],\"account_ids\":[]}")]
    public async Task RetryPosts_BadIds_Returns422InvalidPayload(string body)
    {
        var (_, client, _) = await TenantWithAccountAsync();

        using var response = await client.PostAsync(RetryPath, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_payload");
    }
}
