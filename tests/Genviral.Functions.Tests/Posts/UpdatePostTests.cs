using System.Net;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Posts;

public sealed class UpdatePostTests(SharedApiFactory factory) : PostsTestBase(factory)
{
    [Fact]
    public async Task UpdatePost_Caption_ChangesOnlyTheCaption()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id, "before"));
        var createdAt = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.CreatedAt;

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = "after" });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Post updated");
        Assert.Equal(id, data.GetProperty("id").GetString());
        Assert.Equal("pending", data.GetProperty("status").GetString());
        var post = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post;
        Assert.Equal("after", post.Caption);
        Assert.Equal("https://cdn.example.com/clip.mp4", post.Media.Urls[0]);
        Assert.Equal(createdAt, post.CreatedAt);
        Assert.Equal([account.Id], post.States.Select(s => s.AccountId));
    }

    [Fact]
    public async Task UpdatePost_ScheduleThenNull_MovesBetweenScheduledAndPendingWithCounters()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));

        using var schedule = await PatchJsonAsync(client, id, new JsonObject { ["scheduled_at"] = DateTimeOffset.UtcNow.AddHours(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
        var scheduled = await EnvelopeAssert.SuccessAsync(schedule, HttpStatusCode.OK, "Post updated");
        var summaryScheduled = await Store.GetSummaryAsync(tenant.Scope, Ct);
        using var unschedule = await PatchJsonAsync(client, id, new JsonObject { ["scheduled_at"] = null });
        var pending = await EnvelopeAssert.SuccessAsync(unschedule, HttpStatusCode.OK, "Post updated");

        Assert.Equal("scheduled", scheduled.GetProperty("status").GetString());
        Assert.Equal(1, summaryScheduled.Count(PostStatus.Scheduled));
        Assert.Equal(0, summaryScheduled.Count(PostStatus.Pending));
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pending.GetProperty("scheduled_at").ValueKind);
        var summary = await Store.GetSummaryAsync(tenant.Scope, Ct);
        Assert.Equal(1, summary.Count(PostStatus.Pending));
        Assert.Equal(1, summary.Total);
        var byStatus = await ListAsync(client, "?status=scheduled");
        Assert.Empty(byStatus.GetProperty("posts").EnumerateArray());
    }

    [Fact]
    public async Task UpdatePost_ReplaceAccountsAndRemoveMusic_AppliesTheNewTargets()
    {
        var (tenant, client, account) = await TenantWithAccountAsync(Platform.Tiktok);
        var instagram = await Factory.AddAccountAsync(tenant, Platform.Instagram);
        var body = VideoPost(account.Id);
        body["music_url"] = "https://www.tiktok.com/@a/video/1";
        var id = await CreateAsync(client, body);

        using var rejected = await PatchJsonAsync(client, id, new JsonObject { ["accounts"] = new JsonArray(new JsonObject { ["id"] = instagram.Id }) });
        using var accepted = await PatchJsonAsync(client, id, new JsonObject { ["accounts"] = new JsonArray(new JsonObject { ["id"] = instagram.Id }), ["music_url"] = null });

        await EnvelopeAssert.ErrorAsync(rejected, HttpStatusCode.BadRequest, "validation_failed");
        await EnvelopeAssert.SuccessAsync(accepted, HttpStatusCode.OK, "Post updated");
        var post = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post;
        Assert.Equal([instagram.Id], post.States.Select(s => s.AccountId));
        Assert.Null(post.MusicUrl);
    }

    [Fact]
    public async Task UpdatePost_ExternalId_Returns409Immutable()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["external_id"] = "x", ["caption"] = "changed" });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "external_id_immutable");
        Assert.Equal("Hello world", (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.Caption);
    }

    [Fact]
    public async Task UpdatePost_EmptyBody_Returns422InvalidPayload()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["unknown"] = 1 });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_payload");
    }

    [Fact]
    public async Task UpdatePost_TooLongCaptionForTarget_Returns400AndKeepsThePost()
    {
        var (tenant, client, account) = await TenantWithAccountAsync(Platform.Tiktok, AccountType.Hosted);
        var id = await CreateAsync(client, VideoPost(account.Id));

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = new string('x', 501) });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Hello world", (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.Caption);
    }

    [Theory]
    [InlineData(PostStatus.Posted)]
    [InlineData(PostStatus.Partial)]
    public async Task UpdatePost_PublishedStatus_Returns400ValidationFailed(PostStatus status)
    {
        var (tenant, client, a, b) = await TenantWithTwoAccountsAsync();
        using var ownedClient = client;
        var id = await CreateAsync(client, TwoAccountPost(a.Id, b.Id));
        await SetStatesAsync(tenant, id, PostStatus.Posted, status == PostStatus.Posted ? PostStatus.Posted : PostStatus.Failed);

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = "edit" });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Hello world", (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.Caption);
    }

    [Fact]
    public async Task UpdatePost_StaleIfMatch_Returns412AndCurrentIfMatchSucceeds()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));
        using var get = await client.GetAsync($"/api/partner/v1/posts/{id}", Ct);
        var etag = get.Headers.ETag!.ToString();
        using var first = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = "one" }, etag);

        using var stale = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = "two" }, etag);

        await EnvelopeAssert.SuccessAsync(first, HttpStatusCode.OK, "Post updated");
        await EnvelopeAssert.ErrorAsync(stale, HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal("one", (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.Caption);
        using var fresh = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = "three" }, first.Headers.ETag!.ToString());
        await EnvelopeAssert.SuccessAsync(fresh, HttpStatusCode.OK, "Post updated");
    }

    [Fact]
    public async Task UpdatePost_ConcurrentPatchesOfDifferentFields_LoseNeither()
    {
        var (tenant, client, account) = await TenantWithAccountAsync(Platform.Tiktok);
        var id = await CreateAsync(client, VideoPost(account.Id));

        var results = await Task.WhenAll(
            PatchJsonAsync(client, id, new JsonObject { ["caption"] = "new caption" }),
            PatchJsonAsync(client, id, new JsonObject { ["music_url"] = "https://www.tiktok.com/@a/video/9" }),
            PatchJsonAsync(client, id, new JsonObject { ["media"] = new JsonObject { ["type"] = "video", ["url"] = "https://cdn.example.com/v2.mp4" } }));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var post = (await Store.GetAsync(tenant.Scope, id, Ct))!.Post;
        Assert.Equal("new caption", post.Caption);
        Assert.Equal("https://www.tiktok.com/@a/video/9", post.MusicUrl);
        Assert.Equal("https://cdn.example.com/v2.mp4", post.Media.Urls[0]);
        Assert.Equal(1, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
        foreach (var r in results)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task UpdatePost_FailedPost_StartsAgainFromPending()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var id = await CreateAsync(client, VideoPost(account.Id));
        await SetStatesAsync(tenant, id, PostStatus.Failed);

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["media"] = new JsonObject { ["type"] = "video", ["url"] = "https://cdn.example.com/fixed.mp4" } });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Post updated");
        Assert.Equal("pending", data.GetProperty("status").GetString());
        var state = Assert.Single((await Store.GetAsync(tenant.Scope, id, Ct))!.Post.States);
        Assert.Null(state.ErrorMessage);
        Assert.Equal(0, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Count(PostStatus.Failed));
    }
}
