using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Analytics;

/// <summary>Helpers shared by the analytics tests: tenants, targets, refresh calls and direct table reads.</summary>
public abstract class AnalyticsTestBase(AnalyticsFactory factory)
{
    protected const string Base = "/api/partner/v1/analytics";

    protected AnalyticsFactory Factory { get; } = factory;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal async Task<(Tenant Tenant, HttpClient Client)> TenantAsync(int credits = 0)
    {
        var tenant = await Factory.CreateTenantAsync();
        if (credits > 0)
        {
            await Factory.Tenants.GrantCreditsAsync(tenant.Scope, credits, Ct);
        }

        return (tenant, Factory.CreateClient(tenant.Token));
    }

    internal async Task<int> CreditsUsedAsync(Tenant tenant) => (await Factory.Tenants.GetSubscriptionAsync(tenant.Scope, Ct))!.CreditsUsed;

    protected static async Task<JsonElement> CreateTargetAsync(HttpClient client, string platform, string identifier, string? alias = null)
    {
        var body = new JsonObject { ["platform"] = platform, ["identifier"] = identifier };
        if (alias is not null)
        {
            body["alias"] = alias;
        }

        using var response = await client.PostAsync(Base + "/targets", JsonContent.Create(body), Ct);
        var root = await EnvelopeAssert.ReadAsync(response);
        Assert.True(response.IsSuccessStatusCode, root.ToString());
        return root.GetProperty("data").GetProperty("target");
    }

    protected static async Task<string> CreateTargetIdAsync(HttpClient client, string platform, string identifier) =>
        (await CreateTargetAsync(client, platform, identifier)).GetProperty("id").GetString()!;

    protected static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string targetId) =>
        client.PostAsync($"{Base}/targets/{targetId}/refresh", null, Ct);

    protected static async Task<JsonElement> RefreshOkAsync(HttpClient client, string targetId)
    {
        using var response = await RefreshAsync(client, targetId);
        return await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics refresh queued");
    }

    protected static async Task<JsonElement> GetRefreshAsync(HttpClient client, string refreshId)
    {
        using var response = await client.GetAsync($"{Base}/refreshes/{refreshId}", Ct);
        return await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics refresh status retrieved");
    }

    protected static async Task<JsonElement> ListTargetsAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Base + "/targets", Ct);
        return (await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics targets retrieved")).GetProperty("targets");
    }

    protected static async Task<JsonElement> TargetRowAsync(HttpClient client, string targetId) =>
        (await ListTargetsAsync(client)).EnumerateArray().Single(t => t.GetProperty("id").GetString() == targetId);

    /// <summary>Row keys of the scope's analytics partition that start with <paramref name="prefix"/>.</summary>
    internal async Task<List<string>> RowKeysAsync(Tenant tenant, string prefix)
    {
        var table = Factory.Storage.Table(StorageNames.AnalyticsTable);
        var keys = new List<string>();
        var pk = tenant.Scope.PartitionKey;
        var to = prefix + "~";
        await foreach (var e in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo(prefix) >= 0 && e.RowKey.CompareTo(to) < 0, cancellationToken: Ct))
        {
            keys.Add(e.RowKey);
        }

        return keys;
    }

    protected static string Handle() => "h" + Guid.NewGuid().ToString("N")[..10];
}
