using System.Net;
using System.Net.Http.Json;
using System.Text;
using Genviral.Core.Tenancy;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Analytics;

public sealed class TargetsTests(SharedAnalyticsFactory factory) : AnalyticsTestBase(factory)
{
    [Fact]
    public async Task CreateTarget_New_Returns201WithTheRow()
    {
        var (tenant, client) = await TenantAsync();

        using var response = await client.PostAsync(Base + "/targets", JsonContent.Create(new { platform = "tiktok", identifier = " @Brand ", alias = "Brand (main)" }), Ct);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Analytics target created");
        Assert.True(data.GetProperty("created").GetBoolean());
        var target = data.GetProperty("target");
        Assert.Equal(target.GetProperty("id").GetString(), target.GetProperty("target_id").GetString());
        Assert.Equal("tiktok", target.GetProperty("platform").GetString());
        Assert.Equal("@Brand", target.GetProperty("identifier").GetString());
        Assert.Equal("brand", target.GetProperty("normalized_identifier").GetString());
        Assert.Equal("Brand (main)", target.GetProperty("display_name").GetString());
        Assert.Equal(tenant.Scope.WorkspaceId, target.GetProperty("workspace_id").GetString());
        Assert.Equal(tenant.UserId, target.GetProperty("user_id").GetString());
        Assert.True(target.GetProperty("free_refresh_available").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, target.GetProperty("last_refreshed_at").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, target.GetProperty("last_refresh").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, target.GetProperty("latest_snapshot").ValueKind);
        Assert.False(target.GetProperty("favorite").GetBoolean());
    }

    [Fact]
    public async Task CreateTarget_SameNormalizedIdentifier_Returns200AndTheSameRow()
    {
        var (_, client) = await TenantAsync();
        var first = await CreateTargetAsync(client, "instagram", "@Brand");

        using var response = await client.PostAsync(Base + "/targets", JsonContent.Create(new { platform = "instagram", identifier = "brand" }), Ct);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics target already exists");
        Assert.False(data.GetProperty("created").GetBoolean());
        Assert.Equal(first.GetProperty("id").GetString(), data.GetProperty("target").GetProperty("id").GetString());
        Assert.Single((await ListTargetsAsync(client)).EnumerateArray());
    }

    [Fact]
    public async Task CreateTarget_SameHandleOtherPlatform_IsAnotherTarget()
    {
        var (_, client) = await TenantAsync();
        var a = await CreateTargetIdAsync(client, "tiktok", "@brand");

        var b = await CreateTargetIdAsync(client, "youtube", "@brand");

        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task CreateTarget_Concurrent_MakeOneRow()
    {
        var (_, client) = await TenantAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PostAsync(Base + "/targets", JsonContent.Create(new { platform = "tiktok", identifier = i % 2 == 0 ? "@Race" : "race" }), Ct)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = new HashSet<string>();
        foreach (var r in responses)
        {
            ids.Add((await EnvelopeAssert.ReadAsync(r)).GetProperty("data").GetProperty("target").GetProperty("id").GetString()!);
            r.Dispose();
        }

        Assert.Single(ids);
        Assert.Single((await ListTargetsAsync(client)).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"platform": "pinterest", "identifier": "@brand"}""", "unsupported_platform")]
    [InlineData("""{"platform": "TikTok", "identifier": "@brand"}""", "unsupported_platform")]
    [InlineData("""{"platform": "YOUTUBE", "identifier": "@brand"}""", "unsupported_platform")]
    [InlineData("""{"platform": "1", "identifier": "@brand"}""", "unsupported_platform")]
    [InlineData("""{"identifier": "@brand"}""", "unsupported_platform")]
    [InlineData("""{"platform": "tiktok"}""", "missing_identifier")]
    [InlineData("""{"platform": "tiktok", "identifier": " @ "}""", "missing_identifier")]
    [InlineData("""{"platform": "tiktok", "identifier": 42}""", "missing_identifier")]
    [InlineData("""{"platform": "tiktok", "identifier": "@brand", "alias": 5}""", "invalid_payload")]
    [InlineData("""["tiktok"]""", "invalid_payload")]
    [InlineData("""{"platform": """, "invalid_json")]
    public async Task CreateTarget_BadBody_Returns400AndWritesNothing(string json, string errorCode)
    {
        var (_, client) = await TenantAsync();

        using var response = await client.PostAsync(Base + "/targets", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, errorCode);
        Assert.Empty((await ListTargetsAsync(client)).EnumerateArray());
    }

    [Fact]
    public async Task ListTargets_PersonalKey_HasNullWorkspaceAndOnlyItsTargets()
    {
        var personal = await Factory.CreateTenantAsync(ScopeKind.Personal);
        using var client = Factory.CreateClient(personal.Token);
        var (_, other) = await TenantAsync();
        await CreateTargetIdAsync(other, "tiktok", "@other");
        var id = await CreateTargetIdAsync(client, "youtube", "@mine");

        using var response = await client.GetAsync(Base + "/targets", Ct);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics targets retrieved");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("workspace_id").ValueKind);
        var row = Assert.Single(data.GetProperty("targets").EnumerateArray());
        Assert.Equal(id, row.GetProperty("target_id").GetString());
    }

    [Fact]
    public async Task UpdateTarget_AllFields_AreStoredAndReturned()
    {
        var (_, client) = await TenantAsync();
        var id = await CreateTargetIdAsync(client, "tiktok", "@brand");

        using var response = await PatchAsync(client, id, """{"displayName": "Renamed", "refreshPolicy": {"freeDailyRefresh": false, "maxPosts": 12}, "favorite": true}""");

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics target updated");
        Assert.Equal("Renamed", data.GetProperty("display_name").GetString());
        Assert.True(data.GetProperty("metadata").GetProperty("favorite").GetBoolean());
        Assert.False(data.GetProperty("refresh_policy").GetProperty("freeDailyRefresh").GetBoolean());
        Assert.Equal(12, data.GetProperty("refresh_policy").GetProperty("maxPosts").GetInt32());
        Assert.False(data.GetProperty("free_refresh_available").GetBoolean());
        var row = await TargetRowAsync(client, id);
        Assert.Equal("Renamed", row.GetProperty("display_name").GetString());
        Assert.True(row.GetProperty("favorite").GetBoolean());
    }

    [Fact]
    public async Task UpdateTarget_PolicyKeys_MergeAndNullClears()
    {
        var (_, client) = await TenantAsync();
        var id = await CreateTargetIdAsync(client, "tiktok", "@brand");
        (await PatchAsync(client, id, """{"refreshPolicy": {"freeDailyRefresh": false}}""")).Dispose();

        using var merged = await PatchAsync(client, id, """{"refreshPolicy": {"maxPosts": 7}}""");
        var policy = (await EnvelopeAssert.SuccessAsync(merged, HttpStatusCode.OK, "Analytics target updated")).GetProperty("refresh_policy");
        using var cleared = await PatchAsync(client, id, """{"refreshPolicy": null, "displayName": null}""");
        var data = await EnvelopeAssert.SuccessAsync(cleared, HttpStatusCode.OK, "Analytics target updated");

        Assert.False(policy.GetProperty("freeDailyRefresh").GetBoolean());
        Assert.Equal(7, policy.GetProperty("maxPosts").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("refresh_policy").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("display_name").ValueKind);
        Assert.True(data.GetProperty("free_refresh_available").GetBoolean());
    }

    [Theory]
    [InlineData("{}", "no_valid_updates")]
    [InlineData("""{"color": "red"}""", "no_valid_updates")]
    [InlineData("""{"refreshPolicy": {}}""", "no_valid_updates")]
    [InlineData("""{"favorite": "yes"}""", "invalid_payload")]
    [InlineData("""{"refreshPolicy": {"maxPosts": 0}}""", "invalid_payload")]
    [InlineData("""{"refreshPolicy": {"freeDailyRefresh": "no"}}""", "invalid_payload")]
    [InlineData("""{"displayName": 3}""", "invalid_payload")]
    [InlineData("""[1]""", "invalid_payload")]
    [InlineData("""{"favorite": tru""", "invalid_json")]
    public async Task UpdateTarget_BadBody_Returns400AndChangesNothing(string json, string errorCode)
    {
        var (_, client) = await TenantAsync();
        var id = await CreateTargetIdAsync(client, "tiktok", "@brand");

        using var response = await PatchAsync(client, id, json);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, errorCode);
        var row = await TargetRowAsync(client, id);
        Assert.False(row.GetProperty("favorite").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("refresh_policy").ValueKind);
    }

    [Fact]
    public async Task MissingIds_Return400WithTheirCodes()
    {
        var (_, client) = await TenantAsync();

        using var patch = await client.PatchAsync(Base + "/targets", JsonContent.Create(new { favorite = true }), Ct);
        using var delete = await client.DeleteAsync(Base + "/targets", Ct);
        using var refresh = await client.GetAsync(Base + "/refreshes", Ct);

        await EnvelopeAssert.ErrorAsync(patch, HttpStatusCode.BadRequest, "missing_target_id");
        await EnvelopeAssert.ErrorAsync(delete, HttpStatusCode.BadRequest, "missing_target_id");
        await EnvelopeAssert.ErrorAsync(refresh, HttpStatusCode.BadRequest, "missing_refresh_id");
    }

    [Fact]
    public async Task UnknownIds_Return404WithTheirCodes()
    {
        var (_, client) = await TenantAsync();
        var id = Guid.NewGuid().ToString();

        using var get = await client.GetAsync($"{Base}/targets/{id}", Ct);
        using var patch = await PatchAsync(client, id, """{"favorite": true}""");
        using var delete = await client.DeleteAsync($"{Base}/targets/{id}", Ct);
        using var refresh = await RefreshAsync(client, id);
        using var poll = await client.GetAsync($"{Base}/refreshes/{id}", Ct);

        await EnvelopeAssert.ErrorAsync(get, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(patch, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(delete, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(refresh, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(poll, HttpStatusCode.NotFound, "refresh_not_found");
    }

    [Fact]
    public async Task OtherScope_TargetAndRefresh_BehaveAsUnknown()
    {
        var (_, owner) = await TenantAsync();
        var (intruderTenant, intruder) = await TenantAsync(credits: 5);
        await Factory.SeedProfileAsync("tiktok", "isolated", 10);
        var id = await CreateTargetIdAsync(owner, "tiktok", "@isolated");
        var refreshId = (await RefreshOkAsync(owner, id)).GetProperty("refresh").GetProperty("id").GetString();

        using var get = await intruder.GetAsync($"{Base}/targets/{id}", Ct);
        using var patch = await PatchAsync(intruder, id, """{"favorite": true}""");
        using var delete = await intruder.DeleteAsync($"{Base}/targets/{id}", Ct);
        using var refresh = await RefreshAsync(intruder, id);
        using var poll = await intruder.GetAsync($"{Base}/refreshes/{refreshId}", Ct);
        using var posts = await intruder.GetAsync($"{Base}/summary/posts?accounts={id}", Ct);

        await EnvelopeAssert.ErrorAsync(get, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(patch, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(delete, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(refresh, HttpStatusCode.NotFound, "target_not_found");
        await EnvelopeAssert.ErrorAsync(poll, HttpStatusCode.NotFound, "refresh_not_found");
        Assert.Equal(0, (await EnvelopeAssert.SuccessAsync(posts, HttpStatusCode.OK, "Analytics posts retrieved")).GetProperty("totalCount").GetInt32());
        Assert.Empty((await ListTargetsAsync(intruder)).EnumerateArray());
        Assert.Equal(0, await CreditsUsedAsync(intruderTenant));
        var row = await TargetRowAsync(owner, id);
        Assert.False(row.GetProperty("favorite").GetBoolean());
    }

    [Fact]
    public async Task DeleteTarget_RemovesTheTargetAndItsHistory()
    {
        var (tenant, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("tiktok", handle, 100);
        await Factory.SeedVideoAsync("tiktok", handle, "7001", AnalyticsFactory.Start.AddDays(-1), 10, 1, 0, 0);
        var id = await CreateTargetIdAsync(client, "tiktok", handle);
        var refreshId = (await RefreshOkAsync(client, id)).GetProperty("refresh").GetProperty("id").GetString();
        await Factory.DrainRefreshQueueAsync();
        Assert.NotEmpty(await RowKeysAsync(tenant, "snap|" + id));
        Assert.NotEmpty(await RowKeysAsync(tenant, "pstat|" + id));

        using var response = await client.DeleteAsync($"{Base}/targets/{id}", Ct);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Analytics target deleted");
        Assert.Equal(id, data.GetProperty("id").GetString());
        Assert.True(data.GetProperty("deleted").GetBoolean());
        using var get = await client.GetAsync($"{Base}/targets/{id}", Ct);
        await EnvelopeAssert.ErrorAsync(get, HttpStatusCode.NotFound, "target_not_found");
        using var poll = await client.GetAsync($"{Base}/refreshes/{refreshId}", Ct);
        await EnvelopeAssert.ErrorAsync(poll, HttpStatusCode.NotFound, "refresh_not_found");
        Assert.Empty(await RowKeysAsync(tenant, "snap|" + id));
        Assert.Empty(await RowKeysAsync(tenant, "pstat|" + id));
        Assert.Empty(await RowKeysAsync(tenant, "rfx|" + id));
        Assert.Empty(await RowKeysAsync(tenant, "refresh|"));
        var again = await CreateTargetAsync(client, "tiktok", handle);
        Assert.NotEqual(id, again.GetProperty("id").GetString());
    }

    [Fact]
    public async Task DeleteTarget_Concurrent_BothSucceedOrFindItGoneAndNothingRemains()
    {
        var (tenant, client) = await TenantAsync();
        var handle = Handle();
        await Factory.SeedProfileAsync("tiktok", handle, 1);
        for (var i = 0; i < 30; i++)
        {
            await Factory.SeedVideoAsync("tiktok", handle, (8000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), Factory.Time.GetUtcNow().AddHours(-i - 1), i, 0, 0, 0);
        }

        var id = await CreateTargetIdAsync(client, "tiktok", handle);
        await RefreshOkAsync(client, id);
        await Factory.DrainRefreshQueueAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.DeleteAsync($"{Base}/targets/{id}", Ct)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, r.StatusCode.ToString()));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Empty(await RowKeysAsync(tenant, "pstat|" + id));
        Assert.Empty(await RowKeysAsync(tenant, "target|"));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Analytics_WithoutPlan_Returns402SubscriptionRequired()
    {
        var tenant = await Factory.CreateTenantAsync(plan: null);
        using var client = Factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync(Base + "/targets", Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.PaymentRequired, "subscription_required");
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string id, string json) =>
        client.PatchAsync($"{Base}/targets/{id}", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
}
