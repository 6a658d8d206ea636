extern alias admin;

using System.Globalization;
using System.Text.Json;
using admin::Genviral.Admin;
using Genviral.Core.Tenancy;

namespace Genviral.Bench;

/// <summary>A workspace on the Business plan with a key and its social accounts, set up through the admin CLI's own code.</summary>
internal sealed record Tenant(Scope Scope, string Token, string HostedAccountId, string? ByoAccountId)
{
    public static async Task<Tenant> CreateAsync(string connectionString, string name, bool withByo, CancellationToken cancellationToken)
    {
        var user = await AdminAsync(connectionString, cancellationToken, "user", "create", "--email", $"{name}-{Guid.NewGuid():N}@bench.example.com");
        var workspaceId = (await AdminAsync(connectionString, cancellationToken, "workspace", "create", "--name", name, "--owner", user.GetProperty("id").GetString()!))
            .GetProperty("id").GetString()!;
        await AdminAsync(connectionString, cancellationToken, "plan", "set", "--workspace", workspaceId, "--plan", "business");
        var hosted = await AdminAsync(connectionString, cancellationToken,
            "account", "add", "--workspace", workspaceId, "--platform", "tiktok", "--type", "hosted", "--username", name + "_hosted");
        string? byoId = null;
        if (withByo)
        {
            var byo = await AdminAsync(connectionString, cancellationToken,
                "account", "add", "--workspace", workspaceId, "--platform", "tiktok", "--type", "byo", "--username", name + "_byo",
                "--access-token", "bench-access", "--refresh-token", "bench-refresh", "--expires-at", DateTimeOffset.UtcNow.AddDays(30).ToString("O"),
                "--platform-user-id", "bench-platform-user");
            byoId = byo.GetProperty("id").GetString();
        }

        var key = await AdminAsync(connectionString, cancellationToken, "key", "issue", "--workspace", workspaceId, "--name", "bench");
        return new Tenant(Scope.Workspace(workspaceId), key.GetProperty("token").GetString()!, hosted.GetProperty("id").GetString()!, byoId);
    }

    /// <summary>Another hosted account of this workspace on <paramref name="platform"/> (tiktok, instagram, youtube); returns its id.</summary>
    public async Task<string> AddHostedAccountAsync(string connectionString, string platform, CancellationToken cancellationToken) =>
        (await AdminAsync(connectionString, cancellationToken, "account", "add", "--workspace", Scope.Id, "--platform", platform, "--type", "hosted",
            "--username", $"{platform}_{Guid.NewGuid():N}"[..24])).GetProperty("id").GetString()!;

    /// <summary>Adds analytics credits to the workspace's current period.</summary>
    public Task GrantCreditsAsync(string connectionString, int amount, CancellationToken cancellationToken) =>
        AdminAsync(connectionString, cancellationToken, "credits", "grant", "--workspace", Scope.Id, "--amount", amount.ToString(CultureInfo.InvariantCulture));

    private static async Task<JsonElement> AdminAsync(string connectionString, CancellationToken cancellationToken, params string[] args)
    {
        var config = new Dictionary<string, string?> { ["Storage:ConnectionString"] = connectionString };
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
}
