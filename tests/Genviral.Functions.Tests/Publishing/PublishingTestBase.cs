extern alias simulator;

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Functions.Tests.Posts;
using Microsoft.Extensions.DependencyInjection;
using simulator::Genviral.PlatformSimulator.Publishing;

namespace Genviral.Functions.Tests.Publishing;

/// <summary>Posts created through the API, media marked ready as the media pipeline would, and dispatcher ticks on the fake clock.</summary>
public abstract class PublishingTestBase(PublishingFactory factory) : PostsTestBase(factory)
{
    protected new PublishingFactory Factory { get; } = factory;

    internal PublishingSimulation Sim => Factory.Simulator.Publishing;

    /// <summary>A unique caption, so a test finds its own publishes among the simulator's.</summary>
    protected static string Caption() => "Post " + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A BYO account with its own access token, so failures injected for that token hit only this test.</summary>
    internal async Task<SocialAccount> AddByoAsync(Tenant tenant, Platform platform, string? accessToken = null, string? refreshToken = "refresh-token") =>
        await Factory.Accounts.AddAsync(
            tenant.Scope, platform, AccountType.Byo, "user_" + Guid.NewGuid().ToString("N")[..8], "Display",
            new PlatformCredentials(accessToken ?? "access-" + Guid.NewGuid().ToString("N"), refreshToken, null,
                platform == Platform.Instagram ? "1789" + Random.Shared.Next(100000, 999999) : null), Ct);

    internal async Task<string> TokenOfAsync(Tenant tenant, SocialAccount account) =>
        (await Factory.Accounts.GetCredentialsAsync(tenant.Scope, account.Id, Ct))!.AccessToken;

    protected JsonObject Video(string caption, params string[] accountIds) => new()
    {
        ["caption"] = caption,
        ["accounts"] = new JsonArray([.. accountIds.Select(id => (JsonNode)new JsonObject { ["id"] = id })]),
        ["media"] = new JsonObject { ["type"] = "video", ["url"] = Factory.MediaUrl("clip.mp4", 300_000) },
    };

    protected JsonObject Slideshow(string caption, int images, params string[] accountIds) => new()
    {
        ["caption"] = caption,
        ["accounts"] = new JsonArray([.. accountIds.Select(id => (JsonNode)new JsonObject { ["id"] = id })]),
        ["media"] = new JsonObject { ["type"] = "slideshow", ["urls"] = new JsonArray([.. Enumerable.Range(1, images).Select(i => (JsonNode)Factory.MediaUrl($"slide{i}.jpg", 50_000 + i))]) },
    };

    /// <summary>Creates the post and marks its media ready, as the media pipeline does once the media is publishable.</summary>
    internal async Task<string> CreateReadyAsync(Tenant tenant, HttpClient client, JsonObject body)
    {
        var id = await CreateAsync(client, body);
        await SetMediaReadyAsync(tenant, id);
        return id;
    }

    internal async Task SetMediaReadyAsync(Tenant tenant, string id)
    {
        var stored = await Store.GetAsync(tenant.Scope, id, Ct);
        await Store.UpdateAsync(tenant.Scope, stored!, stored!.Post with { MediaState = stored.Post.MediaState with { Ready = true } }, Ct);
    }

    internal Task<DispatchResult> TickAsync() => Factory.Services.GetRequiredService<PostDispatcher>().RunAsync(Ct);

    protected void Advance(TimeSpan by) => Factory.Time.Advance(by);

    protected static async Task<JsonElement> GetPostAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/partner/v1/posts/{id}", Ct);
        return await EnvelopeAssert.SuccessAsync(response, System.Net.HttpStatusCode.OK, "Post retrieved");
    }

    protected static JsonElement State(JsonElement post, string accountId) =>
        post.GetProperty("accounts").GetProperty("states").EnumerateArray().Single(s => s.GetProperty("account_id").GetString() == accountId);

    internal IReadOnlyList<PublishedItem> PublishedWith(string caption) => [.. Sim.Published.Where(p => p.Caption.Contains(caption, StringComparison.Ordinal))];

    /// <summary>Makes the simulator fail the next calls made with <paramref name="token"/>, through its control endpoint.</summary>
    internal async Task FailNextAsync(string platform, string token, int status, int count = 1, string? message = null)
    {
        using var simulator = new HttpClient { BaseAddress = new Uri(Factory.SimulatorUrl) };
        using var response = await simulator.PostAsJsonAsync("/_sim/publishing/failures", new { platform, status, count, message, token }, Ct);
        response.EnsureSuccessStatusCode();
    }

    internal async Task RejectTokenAsync(string token, bool refreshable = false)
    {
        using var simulator = new HttpClient { BaseAddress = new Uri(Factory.SimulatorUrl) };
        using var response = await simulator.PostAsJsonAsync("/_sim/publishing/reject-token", new { token, refreshable }, Ct);
        response.EnsureSuccessStatusCode();
    }

    internal async Task<IReadOnlyList<IndexRow>> IndexRowsAsync(Tenant tenant, string postId)
    {
        var rows = new List<IndexRow>();
        var table = Factory.Storage.Table(Genviral.Core.Storage.StorageNames.ScheduleTable);
        var row = PostSchedule.Row(tenant.Scope, postId);
        await foreach (var e in table.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"RowKey eq {row}"), cancellationToken: Ct))
        {
            rows.Add(new IndexRow(e.PartitionKey, e.GetDateTimeOffset("DueAt")));
        }

        return rows;
    }
}

internal sealed record IndexRow(string Bucket, DateTimeOffset? DueAt);
