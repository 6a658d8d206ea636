using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tests.Accounts;

public sealed class AccountCommandsTests(AdminStorage storage) : AdminCliTestBase(storage), IClassFixture<AdminStorage>
{
    private readonly string _accessToken = "at-" + Guid.NewGuid().ToString("N");
    private readonly string _refreshToken = "rt-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AccountAdd_ByoWithCredentials_StoresThemWithoutEchoing()
    {
        var userId = await CreateUserAsync();
        var workspaceId = await CreateWorkspaceAsync(userId);

        var result = await RunOkAsync(
            "account", "add", "--workspace", workspaceId, "--platform", "tiktok", "--type", "byo", "--username", "creator",
            "--display-name", "The Creator", "--access-token", _accessToken, "--refresh-token", _refreshToken,
            "--expires-at", "2030-01-01T02:00:00+02:00", "--platform-user-id", "tt-42", "--json");
        var list = await RunOkAsync("account", "list", "--workspace", workspaceId, "--json");
        var text = await RunOkAsync("account", "list", "--workspace", workspaceId);

        var json = result.Json();
        var scope = Scope.Workspace(workspaceId);
        var credentials = await Accounts.GetCredentialsAsync(scope, json.GetProperty("id").GetString()!, Ct);
        Assert.NotNull(credentials);
        Assert.Equal(_accessToken, credentials.AccessToken);
        Assert.Equal(_refreshToken, credentials.RefreshToken);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), credentials.ExpiresAt);
        Assert.Equal("tt-42", credentials.PlatformUserId);
        Assert.Equal("tiktok", json.GetProperty("platform").GetString());
        Assert.Equal("byo", json.GetProperty("type").GetString());
        Assert.Equal("The Creator", json.GetProperty("display_name").GetString());
        Assert.Equal(workspaceId, json.GetProperty("workspace_id").GetString());
        Assert.Single(list.Json().GetProperty("accounts").EnumerateArray());
        foreach (var output in new[] { result, list, text }.SelectMany(r => new[] { r.Stdout, r.Stderr }))
        {
            Assert.DoesNotContain(_accessToken, output, StringComparison.Ordinal);
            Assert.DoesNotContain(_refreshToken, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AccountAdd_ByoText_DoesNotEchoCredentials()
    {
        var userId = await CreateUserAsync();

        var result = await RunOkAsync(
            "account", "add", "--user", userId, "--platform", "youtube", "--type", "byo", "--username", "channel",
            "--access-token", _accessToken, "--refresh-token", _refreshToken);

        Assert.Contains("credentials stored", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(_accessToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_refreshToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        var account = Assert.Single(await Accounts.ListAsync(Scope.Personal(userId), Ct));
        Assert.Null(account.WorkspaceId);
        Assert.Equal(AccountType.Byo, account.Type);
    }

    [Fact]
    public async Task AccountAdd_Hosted_StoresNoCredentials()
    {
        var userId = await CreateUserAsync();

        var result = await RunOkAsync("account", "add", "--user", userId, "--platform", "instagram", "--type", "hosted", "--username", "@brand", "--json");

        var json = result.Json();
        Assert.Equal("brand", json.GetProperty("username").GetString());
        Assert.Equal("brand", json.GetProperty("display_name").GetString());
        Assert.Equal("active", json.GetProperty("status").GetString());
        Assert.Null(await Accounts.GetCredentialsAsync(Scope.Personal(userId), json.GetProperty("id").GetString()!, Ct));
    }

    [Fact]
    public async Task AccountAdd_HostedWithToken_FailsAndWritesNothing()
    {
        var userId = await CreateUserAsync();
        var rows = await RowCountsAsync(StorageNames.AccountsTable, StorageNames.AccountCredentialsTable);

        var result = await RunAsync(
            "account", "add", "--user", userId, "--platform", "tiktok", "--type", "hosted", "--username", "brand",
            "--access-token", _accessToken, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Hosted", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_accessToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.AccountsTable, StorageNames.AccountCredentialsTable));
    }

    [Fact]
    public async Task AccountAdd_ByoWithoutToken_FailsAndWritesNothing()
    {
        var userId = await CreateUserAsync();
        var rows = await RowCountsAsync(StorageNames.AccountsTable, StorageNames.AccountCredentialsTable);

        var result = await RunAsync(
            "account", "add", "--user", userId, "--platform", "tiktok", "--type", "byo", "--username", "creator",
            "--refresh-token", _refreshToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--access-token", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_refreshToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.AccountsTable, StorageNames.AccountCredentialsTable));
    }

    [Fact]
    public async Task AccountAdd_UnknownWorkspace_FailsAndWritesNothing()
    {
        var rows = await RowCountsAsync(StorageNames.AccountsTable, StorageNames.AccountCredentialsTable);

        var result = await RunAsync(
            "account", "add", "--workspace", Guid.NewGuid().ToString(), "--platform", "tiktok", "--type", "byo", "--username", "creator",
            "--access-token", _accessToken, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_accessToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.AccountsTable, StorageNames.AccountCredentialsTable));
    }

    [Fact]
    public async Task AccountAdd_MistypedOptionAfterToken_DoesNotEchoValues()
    {
        var userId = await CreateUserAsync();
        var otherSecret = "x-" + _accessToken;
        var rows = await RowCountsAsync(StorageNames.AccountsTable);

        var result = await RunAsync(
            "account", "add", "--user", userId, "--platform", "tiktok", "--type", "byo", "--username", "creator",
            "--access-token", _accessToken, "--acess-token", otherSecret, $"--refresh-tokn={_refreshToken}");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--acess-token", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_accessToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_refreshToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.AccountsTable));
    }

    [Fact]
    public async Task AccountAdd_ExpiresAtWithoutOffset_ReturnsUsageError()
    {
        var userId = await CreateUserAsync();
        var rows = await RowCountsAsync(StorageNames.AccountsTable);

        var result = await RunAsync(
            "account", "add", "--user", userId, "--platform", "tiktok", "--type", "byo", "--username", "creator",
            "--access-token", _accessToken, "--expires-at", "2030-01-01T00:00:00");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--expires-at", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.AccountsTable));
    }

    [Fact]
    public async Task AccountSetStatus_Paused_UpdatesStatusAndListShowsIt()
    {
        var userId = await CreateUserAsync();
        var accountId = (await RunOkAsync("account", "add", "--user", userId, "--platform", "instagram", "--type", "hosted", "--username", "brand", "--json")).Id();

        var result = await RunOkAsync("account", "set-status", "--user", userId, "--account", accountId, "--status", "paused", "--json");
        var list = await RunOkAsync("account", "list", "--user", userId, "--json");

        Assert.Equal("paused", result.Json().GetProperty("status").GetString());
        Assert.Equal(AccountStatus.Paused, (await Accounts.GetAsync(Scope.Personal(userId), accountId, Ct))!.Status);
        var listed = Assert.Single(list.Json().GetProperty("accounts").EnumerateArray());
        Assert.Equal("paused", listed.GetProperty("status").GetString());
        Assert.Equal("personal", list.Json().GetProperty("scope").GetString());
    }

    [Fact]
    public async Task AccountSetStatus_AccountOfOtherScope_ReturnsNotFound()
    {
        var userId = await CreateUserAsync();
        var workspaceId = await CreateWorkspaceAsync(userId);
        var accountId = (await RunOkAsync("account", "add", "--user", userId, "--platform", "tiktok", "--type", "hosted", "--username", "brand", "--json")).Id();

        var result = await RunAsync("account", "set-status", "--workspace", workspaceId, "--account", accountId, "--status", "revoked", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(AccountStatus.Active, (await Accounts.GetAsync(Scope.Personal(userId), accountId, Ct))!.Status);
    }

    [Fact]
    public async Task AccountList_Empty_PrintsEmptyArray()
    {
        var userId = await CreateUserAsync();

        var result = await RunOkAsync("account", "list", "--user", userId, "--json");

        var json = result.Json();
        Assert.Equal(JsonValueKind.Array, json.GetProperty("accounts").ValueKind);
        Assert.Empty(json.GetProperty("accounts").EnumerateArray());
        Assert.Equal(userId, json.GetProperty("owner_user_id").GetString());
    }
}
