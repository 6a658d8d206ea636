using System.Text.Json;

namespace Genviral.Admin.Tests;

public sealed class AdminCliTests(AdminStorage storage) : AdminCliTestBase(storage), IClassFixture<AdminStorage>
{
    [Fact]
    public async Task Run_NoCommand_ReturnsUsageError()
    {
        var result = await RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains("error:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UsageErrorWithJson_PrintsOnlyAnErrorObject()
    {
        var result = await RunAsync("plan", "set", "--user", Guid.NewGuid().ToString(), "--plan", "gold", "--json");

        Assert.Equal(2, result.ExitCode);
        var json = result.Json();
        Assert.Equal(["error"], json.EnumerateObject().Select(p => p.Name));
        Assert.Contains("gold", json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(result.Stderr);
    }

    [Theory]
    [InlineData("Business", "plan set --plan Business")]
    [InlineData("TikTok", "account add --platform TikTok --type hosted --username u")]
    [InlineData("HOSTED", "account add --platform tiktok --type HOSTED --username u")]
    public async Task Run_WireValueInAnotherCase_ReturnsUsageErrorAndWritesNothing(string value, string command)
    {
        var userId = await CreateUserAsync();
        var rows = await RowCountsAsync(Core.Storage.StorageNames.TenantsTable, Core.Storage.StorageNames.AccountsTable);

        var result = await RunAsync([.. command.Split(' '), "--user", userId, "--json"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(value, result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(Core.Storage.StorageNames.TenantsTable, Core.Storage.StorageNames.AccountsTable));
    }

    [Fact]
    public async Task Run_BothWorkspaceAndUser_ReturnsUsageError()
    {
        var userId = await CreateUserAsync();
        var workspaceId = await CreateWorkspaceAsync(userId);

        var result = await RunAsync("key", "issue", "--workspace", workspaceId, "--user", userId, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("exactly one of --workspace or --user", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(await Keys.ListAsync(Core.Tenancy.Scope.Workspace(workspaceId), Ct));
    }

    [Fact]
    public async Task Run_NeitherWorkspaceNorUser_ReturnsUsageError()
    {
        var result = await RunAsync("account", "list");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("exactly one of --workspace or --user", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Help_PrintsCommands()
    {
        var result = await RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("workspace", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("account", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidStoragePrefix_FailsWithConfigurationError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = await AdminCli.RunAsync(
            ["user", "create", "--email", "a@example.com", "--json"], stdout, stderr,
            new Dictionary<string, string?> { ["Storage:Prefix"] = "Not-Valid" }, Ct);

        Assert.Equal(1, exitCode);
        using var document = JsonDocument.Parse(stdout.ToString());
        Assert.Contains("invalid configuration", document.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
