using System.Net;
using Genviral.Core.Accounts;
using Genviral.Core.Tenancy;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Accounts;

public sealed class AccountsEndpointTests(SharedApiFactory factory)
{
    [Fact]
    public async Task GetAccounts_WorkspaceKey_ReturnsActiveWorkspaceAccountsOnly()
    {
        var tenant = await factory.CreateTenantAsync(ScopeKind.Workspace);
        var tiktok = await factory.AddAccountAsync(tenant, Platform.Tiktok, AccountType.Byo);
        var youtube = await factory.AddAccountAsync(tenant, Platform.Youtube, AccountType.Hosted);
        var paused = await factory.AddAccountAsync(tenant, Platform.Instagram, AccountType.Hosted);
        await factory.Accounts.SetStatusAsync(tenant.Scope, paused.Id, AccountStatus.Paused, TestContext.Current.CancellationToken);
        using var client = factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Accounts retrieved");
        Assert.Equal("workspace", data.GetProperty("scope").GetString());
        Assert.Equal(tenant.Scope.Id, data.GetProperty("workspace_id").GetString());
        Assert.Equal(tenant.UserId, data.GetProperty("owner_user_id").GetString());
        var accounts = data.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal([tiktok.Id, youtube.Id], accounts.Select(a => a.GetProperty("id").GetString()));
        var first = accounts[0];
        Assert.Equal("tiktok", first.GetProperty("platform").GetString());
        Assert.Equal("byo", first.GetProperty("type").GetString());
        Assert.Equal(tiktok.Username, first.GetProperty("username").GetString());
        Assert.Equal("Display", first.GetProperty("display_name").GetString());
        Assert.Equal("active", first.GetProperty("status").GetString());
        Assert.Equal(tenant.Scope.Id, first.GetProperty("workspace_id").GetString());
        Assert.Equal("hosted", accounts[1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task GetAccounts_PersonalKey_SeesOnlyPersonalAccountsWithNullWorkspace()
    {
        var personal = await factory.CreateTenantAsync(ScopeKind.Personal);
        var workspace = await factory.CreateTenantAsync(ScopeKind.Workspace);
        var mine = await factory.AddAccountAsync(personal);
        await factory.AddAccountAsync(workspace);
        using var client = factory.CreateClient(personal.Token);

        using var response = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Accounts retrieved");
        Assert.Equal("personal", data.GetProperty("scope").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("workspace_id").ValueKind);
        Assert.Equal(personal.UserId, data.GetProperty("owner_user_id").GetString());
        var account = Assert.Single(data.GetProperty("accounts").EnumerateArray());
        Assert.Equal(mine.Id, account.GetProperty("id").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, account.GetProperty("workspace_id").ValueKind);
    }

    [Fact]
    public async Task GetAccounts_WorkspaceKeyOfSameUser_NeverSeesPersonalAccounts()
    {
        var workspace = await factory.CreateTenantAsync(ScopeKind.Workspace);
        var personalScope = Scope.Personal(workspace.UserId);
        await factory.Tenants.SetPlanAsync(personalScope, Plan.Creator, "month", TestContext.Current.CancellationToken);
        await factory.Accounts.AddAsync(personalScope, Platform.Tiktok, AccountType.Hosted, "mine", "Mine", null, TestContext.Current.CancellationToken);
        using var client = factory.CreateClient(workspace.Token);

        using var response = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Accounts retrieved");
        Assert.Empty(data.GetProperty("accounts").EnumerateArray());
    }

    [Fact]
    public async Task GetSubscription_ActivePlan_ReturnsDocumentedShape()
    {
        var tenant = await factory.CreateTenantAsync(ScopeKind.Workspace, Plan.Professional);
        await factory.Tenants.GrantCreditsAsync(tenant.Scope, 25, TestContext.Current.CancellationToken);
        using var client = factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync("/api/partner/v1/subscription", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Subscription retrieved");
        Assert.Equal("workspace", data.GetProperty("scope").GetString());
        Assert.Equal(tenant.Scope.Id, data.GetProperty("workspace_id").GetString());
        var subscription = data.GetProperty("subscription");
        Assert.Equal("active", subscription.GetProperty("status").GetString());
        Assert.Equal("professional", subscription.GetProperty("tier").GetString());
        Assert.Equal("month", subscription.GetProperty("billing_interval").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", subscription.GetProperty("current_period_start").GetString());
        Assert.Equal(subscription.GetProperty("current_period_end").GetString(), subscription.GetProperty("renews_at").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, subscription.GetProperty("canceled_at").ValueKind);
        Assert.False(subscription.GetProperty("is_paused").GetBoolean());
        var credits = subscription.GetProperty("credits");
        Assert.Equal(25, credits.GetProperty("limit").GetInt32());
        Assert.Equal(0, credits.GetProperty("used_this_period").GetInt32());
        Assert.Equal(25, credits.GetProperty("remaining").GetInt32());
        Assert.Equal(subscription.GetProperty("current_period_end").GetString(), credits.GetProperty("reset_at").GetString());
    }

    [Fact]
    public async Task GetSubscription_PersonalKey_ReportsPersonalScope()
    {
        var tenant = await factory.CreateTenantAsync(ScopeKind.Personal, Plan.Creator);
        using var client = factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync("/api/partner/v1/subscription", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Subscription retrieved");
        Assert.Equal("personal", data.GetProperty("scope").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("workspace_id").ValueKind);
        Assert.Equal("creator", data.GetProperty("subscription").GetProperty("tier").GetString());
    }
}
