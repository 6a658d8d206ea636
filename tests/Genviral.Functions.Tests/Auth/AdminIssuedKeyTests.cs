extern alias admin;

using System.Net;
using System.Text.Json;
using admin::Genviral.Admin;
using Genviral.Core.Auth;
using Genviral.Functions.Tests.Infrastructure;
using Genviral.Testing;

namespace Genviral.Functions.Tests.Auth;

/// <summary>
/// The operator path end to end: the admin CLI sets an owner up and issues a key, and that key works over HTTP. The
/// CLI is another process with its own stores, so the app sees its revocation once ApiKeys:CacheDuration has passed.
/// </summary>
public sealed class AdminIssuedKeyTests(FakeClockApiFactory factory) : IClassFixture<FakeClockApiFactory>
{
    [Fact]
    public async Task KeyIssuedByAdminCli_AuthenticatesApiRequestsUntilRevoked()
    {
        var user = await AdminAsync("user", "create", "--email", $"{Guid.NewGuid():N}@example.com");
        var workspace = await AdminAsync("workspace", "create", "--name", "Acme", "--owner", user.GetProperty("id").GetString()!);
        var workspaceId = workspace.GetProperty("id").GetString()!;
        await AdminAsync("plan", "set", "--workspace", workspaceId, "--plan", "business");
        var account = await AdminAsync("account", "add", "--workspace", workspaceId, "--platform", "instagram", "--type", "hosted", "--username", "acme");
        var key = await AdminAsync("key", "issue", "--workspace", workspaceId, "--name", "ci");
        using var client = factory.CreateClient(key.GetProperty("token").GetString()!);

        using var response = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Accounts retrieved");
        Assert.Equal(workspaceId, data.GetProperty("workspace_id").GetString());
        Assert.Equal(account.GetProperty("id").GetString(), Assert.Single(data.GetProperty("accounts").EnumerateArray()).GetProperty("id").GetString());

        await AdminAsync("key", "revoke", "--key", key.GetProperty("public_id").GetString()!);
        factory.Clock.Advance(new AccessCacheOptions().CacheDuration);
        using var revoked = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(revoked, HttpStatusCode.Unauthorized, "invalid_token");
    }

    private async Task<JsonElement> AdminAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var config = new Dictionary<string, string?> { ["Storage:ConnectionString"] = TestStorage.ConnectionString, ["Storage:Prefix"] = factory.Prefix };

        var exit = await AdminCli.RunAsync([.. args, "--json"], stdout, stderr, config, TestContext.Current.CancellationToken);

        Assert.True(exit == 0, stderr.ToString());
        using var document = JsonDocument.Parse(stdout.ToString());
        return document.RootElement.Clone();
    }
}
