extern alias admin;

using System.Text.Json;
using admin::Genviral.Admin;
using Genviral.Core.Tenancy;

namespace Genviral.Bench;

/// <summary>A workspace on the Business plan with a key and its social accounts, set up through the admin CLI's own code.</summary>
internal sealed record Tenant(Scope Scope, string Token, string HostedAccountId, string? ByoAccountId)
{
    public static async Task<Tenant> CreateAsync(string connectionString, string name, bool withByo, CancellationToken cancellationToken)
    {
        var config = new Dictionary<string, string?> { ["Storage:ConnectionString"] = connectionString };
        async Task<JsonElement> Admin(params string[] args)
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await AdminCli.RunAsync([.. args, "--json"], stdout, stderr, config, cancellationToken);
            if (exit != 0)
            {
                throw new InvalidOperationException($"admin {string.Join(' ', args)} failed: {stdout}{stderr}");
            }

            using var document = JsonDocument.Parse(stdout.ToString());
            return document.RootElement.Clone();
        }

        var user = await Admin("user", "create", "--email", $"{name}-{Guid.NewGuid():N}@bench.example.com");
        var workspaceId = (await Admin("workspace", "create", "--name", name, "--owner", user.GetProperty("id").GetString()!)).GetProperty("id").GetString()!;
        await Admin("plan", "set", "--workspace", workspaceId, "--plan", "business");
        var hosted = await Admin("account", "add", "--workspace", workspaceId, "--platform", "tiktok", "--type", "hosted", "--username", name + "_hosted");
        string? byoId = null;
        if (withByo)
        {
            var byo = await Admin("account", "add", "--workspace", workspaceId, "--platform", "tiktok", "--type", "byo", "--username", name + "_byo",
                "--access-token", "bench-access", "--refresh-token", "bench-refresh", "--expires-at", DateTimeOffset.UtcNow.AddDays(30).ToString("O"),
                "--platform-user-id", "bench-platform-user");
            byoId = byo.GetProperty("id").GetString();
        }

        var key = await Admin("key", "issue", "--workspace", workspaceId, "--name", "bench");
        return new Tenant(Scope.Workspace(workspaceId), key.GetProperty("token").GetString()!, hosted.GetProperty("id").GetString()!, byoId);
    }
}
