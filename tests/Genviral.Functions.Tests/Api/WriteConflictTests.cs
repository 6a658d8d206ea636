using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Analytics;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Functions.Tests.Posts;
using Genviral.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Tests.Api;

/// <summary>The app whose storage has a rival writer in it (<see cref="RivalWriter"/>), with two retries per write.</summary>
public sealed class ContendedApiFactory : ApiFactory
{
    public ContendedApiFactory() => Rival = new RivalWriter(TestStorage.Clients(Prefix));

    internal RivalWriter Rival { get; }

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Storage:ConflictRetries"] = "2" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton(sp => Rival.Contended(sp.GetRequiredService<IOptions<StorageOptions>>().Value)));
    }
}

/// <summary>
/// What each endpoint answers when other writers keep winning (Storage:ConflictRetries exhausted): 409 with its
/// documented error code, or the post reported in a bulk answer; never a 500, and nothing changed.
/// </summary>
public sealed class WriteConflictTests(ContendedApiFactory factory) : PostsTestBase(factory), IClassFixture<ContendedApiFactory>, IDisposable
{
    private const string Api = "/api/partner/v1";

    private AnalyticsStore Analytics => factory.Services.GetRequiredService<AnalyticsStore>();

    public void Dispose() => factory.Rival.Rival = null;

    [Fact]
    public async Task CreatePost_CountersKeepChanging_Is409CreateFailedAndWritesNoPost()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        factory.Rival.Touches(StorageNames.PostsTable, tenant.Scope.PartitionKey, [.. Enumerable.Range(0, PostKeys.CounterShards).Select(PostKeys.Counter)]);

        using var response = await PostJsonAsync(client, Api + "/posts", VideoPost(account.Id));

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "create_failed");
        Assert.Empty((await Store.ListAsync(tenant.Scope, null, null, null, null, 0, 10, Ct)).Posts);
    }

    [Fact]
    public async Task UpdatePost_PostKeepsChanging_Is409UpdateFailedAndKeepsThePost()
    {
        var (tenant, client, id) = await PostAsync();
        factory.Rival.Touches(StorageNames.PostsTable, tenant.Scope.PartitionKey, PostKeys.Post(id));

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["caption"] = "changed" });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "update_failed");
        Assert.Equal(3, factory.Rival.Wins);
        Assert.Equal("Hello world", (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.Caption);
    }

    [Fact]
    public async Task DeletePosts_PostKeepsChanging_ReportsItAndKeepsIt()
    {
        var (tenant, client, id) = await PostAsync();
        factory.Rival.Touches(StorageNames.PostsTable, tenant.Scope.PartitionKey, PostKeys.Post(id));

        using var response = await PostJsonAsync(client, Api + "/posts/delete", new JsonObject { ["postIds"] = new JsonArray(id) });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Posts deleted");
        Assert.Equal(0, data.GetProperty("deletedIds").GetArrayLength());
        Assert.Equal("Post is changing; try again", data.GetProperty("errors").GetProperty(id).GetString());
        Assert.NotNull(await Store.GetAsync(tenant.Scope, id, Ct));
    }

    [Fact]
    public async Task RetryPosts_PostKeepsChanging_ReportsItFailedAndKeepsIt()
    {
        var (tenant, client, id) = await PostAsync();
        var stored = (await Store.GetAsync(tenant.Scope, id, Ct))!;
        await Store.UpdateAsync(tenant.Scope, stored, stored.Post.WithMediaFailed("media_unreachable: gone"), Ct);
        factory.Rival.Touches(StorageNames.PostsTable, tenant.Scope.PartitionKey, PostKeys.Post(id));

        using var response = await PostJsonAsync(client, Api + "/posts/retry", new JsonObject { ["post_ids"] = new JsonArray(id) });

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Posts queued for retry");
        Assert.Equal(0, data.GetProperty("retried").GetInt32());
        Assert.Equal("Post is changing; try again", data.GetProperty("errors").GetProperty(id).GetString());
        Assert.Equal(PostStatus.Failed, (await Store.GetAsync(tenant.Scope, id, Ct))!.Post.Status);
    }

    [Fact]
    public async Task UpdateAnalyticsTarget_TargetKeepsChanging_Is409AnalyticsFailedAndKeepsTheTarget()
    {
        var (tenant, client, targetId) = await TargetAsync();
        factory.Rival.Touches(StorageNames.AnalyticsTable, tenant.Scope.PartitionKey, AnalyticsKeys.Target(targetId));

        using var response = await client.PatchAsync($"{Api}/analytics/targets/{targetId}", JsonContent.Create(new { displayName = "Renamed" }), Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "analytics_failed");
        Assert.Null((await Analytics.GetTargetAsync(tenant.Scope, targetId, Ct))!.DisplayName);
    }

    [Fact]
    public async Task RefreshAnalyticsTarget_TargetKeepsChanging_Is409AnalyticsFailedAndQueuesNothing()
    {
        var (tenant, client, targetId) = await TargetAsync();
        factory.Rival.Touches(StorageNames.AnalyticsTable, tenant.Scope.PartitionKey, AnalyticsKeys.Target(targetId));

        using var response = await client.PostAsync($"{Api}/analytics/targets/{targetId}/refresh", null, Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "analytics_failed");
        Assert.Null((await Analytics.GetTargetAsync(tenant.Scope, targetId, Ct))!.LastRefresh);
    }

    [Fact]
    public async Task DeleteAnalyticsTarget_TargetKeepsChangingWhileItsRefreshIsFailed_Is409AnalyticsFailedAndKeepsTheTarget()
    {
        var (tenant, client, targetId) = await TargetAsync();
        using (var queued = await client.PostAsync($"{Api}/analytics/targets/{targetId}/refresh", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        }

        factory.Rival.Touches(StorageNames.AnalyticsTable, tenant.Scope.PartitionKey, AnalyticsKeys.Target(targetId));

        using var response = await client.DeleteAsync($"{Api}/analytics/targets/{targetId}", Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "analytics_failed");
        Assert.NotNull(await Analytics.GetTargetAsync(tenant.Scope, targetId, Ct));
    }

    [Theory]
    [InlineData("CreatePost")]
    [InlineData("UpdatePost")]
    [InlineData("CreateAnalyticsTarget")]
    [InlineData("UpdateAnalyticsTarget")]
    [InlineData("DeleteAnalyticsTarget")]
    [InlineData("RefreshAnalyticsTarget")]
    public async Task OpenApi_EndpointThatWritesWithAnETag_Documents409(string operationId)
    {
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(Api + "/openapi.json", Ct));

        var operation = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .Single(o => o.Value.TryGetProperty("operationId", out var id) && id.GetString() == operationId).Value;
        Assert.True(operation.GetProperty("responses").TryGetProperty("409", out _));
    }

    private async Task<(Tenant Tenant, HttpClient Client, string Id)> PostAsync()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        return (tenant, client, await CreateAsync(client, VideoPost(account.Id)));
    }

    private async Task<(Tenant Tenant, HttpClient Client, string Id)> TargetAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var client = factory.CreateClient(tenant.Token);
        using var response = await client.PostAsync(Api + "/analytics/targets", JsonContent.Create(new { platform = "tiktok", identifier = "@brand" }), Ct);
        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Analytics target created");
        return (tenant, client, data.GetProperty("target").GetProperty("id").GetString()!);
    }
}
