using System.Text.Json;
using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tests.Keys;

public sealed class KeyCommandsTests(AdminStorage storage) : AdminCliTestBase(storage), IClassFixture<AdminStorage>
{
    private static readonly string[] ListedKeyFields =
        ["public_id", "name", "scope", "workspace_id", "owner_user_id", "secret_suffix", "created_at", "last_used_at", "revoked_at", "is_active"];

    [Fact]
    public async Task KeyIssue_WorkspaceWithPlan_TokenVerifiesAndOwnerIsWorkspaceOwner()
    {
        var ownerId = await CreateUserAsync();
        var workspaceId = await CreateWorkspaceAsync(ownerId);
        await RunOkAsync("plan", "set", "--workspace", workspaceId, "--plan", "business");

        var result = await RunOkAsync("key", "issue", "--workspace", workspaceId, "--name", "ci", "--json");

        var json = result.Json();
        var token = json.GetProperty("token").GetString();
        Assert.True(ApiToken.TryParse(token, out var publicId, out var secret));
        Assert.Equal(json.GetProperty("public_id").GetString(), publicId);
        Assert.Equal("workspace", json.GetProperty("scope").GetString());
        Assert.Equal(workspaceId, json.GetProperty("workspace_id").GetString());
        Assert.Equal(ownerId, json.GetProperty("owner_user_id").GetString());
        Assert.Equal("ci", json.GetProperty("name").GetString());
        var key = await Keys.VerifyAsync(publicId, secret, Ct);
        Assert.NotNull(key);
        Assert.Equal(Scope.Workspace(workspaceId), key.Scope);
        Assert.Equal(ownerId, key.OwnerUserId);
        Assert.True(key.IsActive);
    }

    [Fact]
    public async Task KeyIssue_User_IsPersonalWithoutWorkspace()
    {
        var userId = await CreateUserAsync();

        var result = await RunOkAsync("key", "issue", "--user", userId, "--json");

        var json = result.Json();
        Assert.Equal("personal", json.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("workspace_id").ValueKind);
        Assert.Equal(userId, json.GetProperty("owner_user_id").GetString());
        var key = await Keys.GetAsync(json.GetProperty("public_id").GetString()!, Ct);
        Assert.Equal(Scope.Personal(userId), key!.Scope);
    }

    [Fact]
    public async Task KeyIssue_Text_PrintsTokenExactlyOnce()
    {
        var userId = await CreateUserAsync();

        var result = await RunOkAsync("key", "issue", "--user", userId);

        var token = result.Stdout.Split('\n').Select(l => l.Trim()).Single(l => ApiToken.TryParse(l, out _, out _));
        Assert.Equal(1, CountOccurrences(result.Stdout + result.Stderr, token));
        Assert.True(ApiToken.TryParse(token, out var publicId, out var secret));
        Assert.NotNull(await Keys.VerifyAsync(publicId, secret, Ct));
    }

    [Fact]
    public async Task KeyList_AfterIssue_ShowsKeyWithoutSecretOrHash()
    {
        var userId = await CreateUserAsync();
        var workspaceId = await CreateWorkspaceAsync(userId);
        var issued = (await RunOkAsync("key", "issue", "--workspace", workspaceId, "--name", "ci", "--json")).Json();
        Assert.True(ApiToken.TryParse(issued.GetProperty("token").GetString(), out var publicId, out var secret));

        var result = await RunOkAsync("key", "list", "--workspace", workspaceId, "--json");
        var text = await RunOkAsync("key", "list", "--workspace", workspaceId);

        var key = Assert.Single(result.Json().GetProperty("keys").EnumerateArray());
        Assert.Equal(ListedKeyFields, key.EnumerateObject().Select(p => p.Name));
        Assert.Equal(publicId, key.GetProperty("public_id").GetString());
        Assert.Equal(secret[^4..], key.GetProperty("secret_suffix").GetString());
        Assert.True(key.GetProperty("is_active").GetBoolean());
        Assert.Equal(JsonValueKind.Null, key.GetProperty("revoked_at").ValueKind);
        Assert.Contains(publicId, text.Stdout, StringComparison.Ordinal);
        foreach (var output in new[] { result.Stdout, text.Stdout })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiToken.Hash(secret), output, StringComparison.Ordinal);
            Assert.DoesNotContain("hash", output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task KeyRevoke_IssuedKey_ListShowsRevoked()
    {
        var userId = await CreateUserAsync();
        var issued = (await RunOkAsync("key", "issue", "--user", userId, "--json")).Json();
        Assert.True(ApiToken.TryParse(issued.GetProperty("token").GetString(), out var publicId, out var secret));

        var revoke = await RunOkAsync("key", "revoke", "--key", publicId, "--json");
        var list = await RunOkAsync("key", "list", "--user", userId, "--json");

        Assert.False(revoke.Json().GetProperty("is_active").GetBoolean());
        var key = Assert.Single(list.Json().GetProperty("keys").EnumerateArray());
        Assert.False(key.GetProperty("is_active").GetBoolean());
        Assert.Equal(JsonValueKind.String, key.GetProperty("revoked_at").ValueKind);
        var stored = await Keys.VerifyAsync(publicId, secret, Ct);
        Assert.NotNull(stored?.RevokedAt);
        Assert.False(stored.IsActive);
    }

    [Fact]
    public async Task KeyRevoke_Twice_KeepsFirstRevocationTime()
    {
        var userId = await CreateUserAsync();
        var publicId = (await RunOkAsync("key", "issue", "--user", userId, "--json")).Json().GetProperty("public_id").GetString()!;
        var first = (await RunOkAsync("key", "revoke", "--key", publicId, "--json")).Json().GetProperty("revoked_at").GetString();

        var second = await RunOkAsync("key", "revoke", "--key", publicId, "--json");

        Assert.Equal(first, second.Json().GetProperty("revoked_at").GetString());
    }

    [Fact]
    public async Task KeyRevoke_UnknownKey_ReturnsNotFound()
    {
        var result = await RunAsync("key", "revoke", "--key", "gva_live_0123456789ab", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRevoke_TokenInsteadOfPublicId_FailsWithoutEchoingIt()
    {
        var userId = await CreateUserAsync();
        var token = (await RunOkAsync("key", "issue", "--user", userId, "--json")).Json().GetProperty("token").GetString()!;

        var result = await RunAsync("key", "revoke", "--key", token, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(token, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.True(ApiToken.TryParse(token, out var publicId, out _));
        Assert.True((await Keys.GetAsync(publicId, Ct))!.IsActive);
    }

    [Fact]
    public async Task KeyIssue_UnknownWorkspace_FailsAndWritesNothing()
    {
        var rows = await RowCountsAsync(StorageNames.ApiKeysTable, StorageNames.TenantsTable);

        var result = await RunAsync("key", "issue", "--workspace", Guid.NewGuid().ToString(), "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("workspace", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(rows, await RowCountsAsync(StorageNames.ApiKeysTable, StorageNames.TenantsTable));
    }

    [Fact]
    public async Task KeyList_UnknownUser_Fails()
    {
        var result = await RunAsync("key", "list", "--user", Guid.NewGuid().ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains("not found", result.Stderr, StringComparison.Ordinal);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
