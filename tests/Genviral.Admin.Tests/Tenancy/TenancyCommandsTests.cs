using System.Text.Json;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tests.Tenancy;

public sealed class TenancyCommandsTests(AdminStorage storage) : AdminCliTestBase(storage), IClassFixture<AdminStorage>
{
    [Fact]
    public async Task UserCreate_Json_PrintsOneObjectAndStoresUser()
    {
        var result = await RunOkAsync("user", "create", "--email", "alice@example.com", "--name", "Alice", "--json");

        var json = result.Json();
        var user = await Tenants.GetUserAsync(json.GetProperty("id").GetString()!, Ct);
        Assert.NotNull(user);
        Assert.Equal("alice@example.com", json.GetProperty("email").GetString());
        Assert.Equal("Alice", user.Name);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", json.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task UserCreate_Text_PrintsFriendlyLine()
    {
        var result = await RunOkAsync("user", "create", "--email", "bob@example.com");

        Assert.StartsWith("Created user ", result.Stdout, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(result.Stdout));
    }

    [Fact]
    public async Task UserCreate_InvalidEmail_ReturnsUsageError()
    {
        var rows = await RowCountsAsync(StorageNames.TenantsTable);

        var result = await RunAsync("user", "create", "--email", "not-an-email");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.TenantsTable));
    }

    [Fact]
    public async Task WorkspaceCreate_ExistingOwner_StoresWorkspace()
    {
        var userId = await CreateUserAsync();

        var result = await RunOkAsync("workspace", "create", "--name", "Acme", "--owner", userId, "--json");

        var json = result.Json();
        var workspace = await Tenants.GetWorkspaceAsync(json.GetProperty("id").GetString()!, Ct);
        Assert.NotNull(workspace);
        Assert.Equal("Acme", workspace.Name);
        Assert.Equal(userId, workspace.OwnerUserId);
        Assert.Equal(userId, json.GetProperty("owner_user_id").GetString());
    }

    [Fact]
    public async Task WorkspaceCreate_UnknownOwner_FailsAndWritesNothing()
    {
        var rows = await RowCountsAsync(StorageNames.TenantsTable);

        var result = await RunAsync("workspace", "create", "--name", "Acme", "--owner", Guid.NewGuid().ToString(), "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("not found", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.TenantsTable));
    }

    [Fact]
    public async Task WorkspaceCreate_OwnerNotAGuid_FailsAsNotFound()
    {
        var rows = await RowCountsAsync(StorageNames.TenantsTable);

        var result = await RunAsync("workspace", "create", "--name", "Acme", "--owner", "../etc#x");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.TenantsTable));
    }

    [Fact]
    public async Task PlanSet_Workspace_StoresActivePlan()
    {
        var userId = await CreateUserAsync();
        var workspaceId = await CreateWorkspaceAsync(userId);

        var result = await RunOkAsync("plan", "set", "--workspace", workspaceId, "--plan", "professional", "--interval", "year", "--json");

        var subscription = await Tenants.GetSubscriptionAsync(Scope.Workspace(workspaceId), Ct);
        Assert.NotNull(subscription);
        Assert.Equal(Plan.Professional, subscription.Plan);
        Assert.Equal("year", subscription.BillingInterval);
        var json = result.Json();
        Assert.Equal("workspace", json.GetProperty("scope").GetString());
        Assert.Equal(workspaceId, json.GetProperty("workspace_id").GetString());
        Assert.Equal(userId, json.GetProperty("owner_user_id").GetString());
        Assert.Equal("professional", json.GetProperty("subscription").GetProperty("tier").GetString());
        Assert.Equal("active", json.GetProperty("subscription").GetProperty("status").GetString());
    }

    [Fact]
    public async Task PlanSet_User_DefaultsToMonthly()
    {
        var userId = await CreateUserAsync();

        var result = await RunOkAsync("plan", "set", "--user", userId, "--plan", "scheduler", "--json");

        var subscription = await Tenants.GetSubscriptionAsync(Scope.Personal(userId), Ct);
        Assert.NotNull(subscription);
        Assert.Equal(Plan.Scheduler, subscription.Plan);
        Assert.Equal("month", subscription.BillingInterval);
        Assert.Equal(JsonValueKind.Null, result.Json().GetProperty("workspace_id").ValueKind);
    }

    [Fact]
    public async Task PlanSet_UnknownWorkspace_FailsAndWritesNothing()
    {
        var workspaceId = Guid.NewGuid().ToString();
        var rows = await RowCountsAsync(StorageNames.TenantsTable);

        var result = await RunAsync("plan", "set", "--workspace", workspaceId, "--plan", "business");

        Assert.Equal(1, result.ExitCode);
        Assert.Null(await Tenants.GetSubscriptionAsync(Scope.Workspace(workspaceId), Ct));
        Assert.Equal(rows, await RowCountsAsync(StorageNames.TenantsTable));
    }

    [Fact]
    public async Task CreditsGrant_WithoutPlan_Fails()
    {
        var userId = await CreateUserAsync();

        var result = await RunAsync("credits", "grant", "--user", userId, "--amount", "10", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("plan set", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await Tenants.GetSubscriptionAsync(Scope.Personal(userId), Ct));
    }

    [Fact]
    public async Task CreditsGrant_AfterPlan_AddsToLimit()
    {
        var userId = await CreateUserAsync();
        await RunOkAsync("plan", "set", "--user", userId, "--plan", "creator");

        await RunOkAsync("credits", "grant", "--user", userId, "--amount", "10");
        var result = await RunOkAsync("credits", "grant", "--user", userId, "--amount", "5", "--json");

        var subscription = await Tenants.GetSubscriptionAsync(Scope.Personal(userId), Ct);
        Assert.Equal(15, subscription!.CreditsLimit);
        Assert.Equal(15, result.Json().GetProperty("subscription").GetProperty("credits").GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task CreditsGrant_NonPositiveAmount_ReturnsUsageError()
    {
        var userId = await CreateUserAsync();
        await RunOkAsync("plan", "set", "--user", userId, "--plan", "creator");

        var result = await RunAsync("credits", "grant", "--user", userId, "--amount", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(0, (await Tenants.GetSubscriptionAsync(Scope.Personal(userId), Ct))!.CreditsLimit);
    }
}
