using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;

namespace Genviral.Admin.Tests.Webhooks;

public sealed class WebhookCommandsTests(AdminStorage storage) : AdminCliTestBase(storage), IClassFixture<AdminStorage>
{
    private WebhookStore Webhooks => new(Storage, TimeProvider.System);

    [Fact]
    public async Task WebhookList_Json_ListsTheScopesWebhooksWithoutSecrets()
    {
        var workspaceId = await CreateWorkspaceAsync(await CreateUserAsync());
        var created = await Webhooks.CreateAsync(Scope.Workspace(workspaceId), "https://hooks.example.com/a", ["post.published"], "main", Ct);

        var result = await RunOkAsync("webhook", "list", "--workspace", workspaceId, "--json");

        var json = result.Json();
        var webhook = Assert.Single(json.GetProperty("webhooks").EnumerateArray());
        Assert.Equal(created!.Stored.Webhook.Id, webhook.GetProperty("id").GetString());
        Assert.Equal("https://hooks.example.com/a", webhook.GetProperty("url").GetString());
        Assert.Equal("active", webhook.GetProperty("status").GetString());
        Assert.Equal(workspaceId, json.GetProperty("workspace_id").GetString());
        Assert.False(webhook.TryGetProperty("secret", out _));
        Assert.DoesNotContain(created.Secret, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookDisable_WithReason_DisablesItAndShowsTheReason()
    {
        var userId = await CreateUserAsync();
        var scope = Scope.Personal(userId);
        var created = await Webhooks.CreateAsync(scope, "https://hooks.example.com/b", ["*"], null, Ct);

        var result = await RunOkAsync("webhook", "disable", "--user", userId, "--webhook", created!.Stored.Webhook.Id, "--reason", "abuse report 42", "--json");

        Assert.Equal("disabled", result.Json().GetProperty("status").GetString());
        var stored = (await Webhooks.GetAsync(scope, created.Stored.Webhook.Id, Ct))!.Webhook;
        Assert.Equal(WebhookStatus.Disabled, stored.Status);
        Assert.Equal("abuse report 42", stored.DisabledReason);
    }

    [Fact]
    public async Task WebhookDisable_OtherScopesWebhook_FailsAsNotFoundAndLeavesItActive()
    {
        var owner = Scope.Personal(await CreateUserAsync());
        var created = await Webhooks.CreateAsync(owner, "https://hooks.example.com/c", ["*"], null, Ct);
        var otherUser = await CreateUserAsync();

        var result = await RunAsync("webhook", "disable", "--user", otherUser, "--webhook", created!.Stored.Webhook.Id, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not found", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebhookStatus.Active, (await Webhooks.GetAsync(owner, created.Stored.Webhook.Id, Ct))!.Webhook.Status);
    }

    [Fact]
    public async Task WebhookDisable_WithoutWebhook_IsAUsageError()
    {
        var userId = await CreateUserAsync();

        var result = await RunAsync("webhook", "disable", "--user", userId, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--webhook", result.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
