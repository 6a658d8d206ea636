using System.Net;
using System.Text.Json.Nodes;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Webhooks;

/// <summary>Another scope's webhook behaves exactly like one that does not exist, on every route.</summary>
public sealed class WebhookScopeIsolationTests(WebhookFactory factory) : WebhookTestBase(factory), IClassFixture<WebhookFactory>
{
    [Theory]
    [InlineData(ScopeKind.Workspace)]
    [InlineData(ScopeKind.Personal)]
    public async Task EveryWebhookRoute_OtherScopesWebhook_LooksMissingAndStaysUntouched(ScopeKind otherKind)
    {
        var (owner, ownerClient) = await TenantAsync();
        var url = Receiver.Url();
        var (id, _) = await CreateAsync(ownerClient, url);
        var keys = await Store.GetSigningKeysAsync(owner.Scope, id, Ct);
        var (_, client) = await TenantAsync(otherKind);

        using var get = await client.GetAsync($"{Base}/{id}", Ct);
        using var patch = await PatchJsonAsync(client, id, new JsonObject { ["url"] = "https://attacker.example.com/", ["status"] = "disabled" });
        using var rotate = await client.PostAsync($"{Base}/{id}/rotate-secret", null, Ct);
        using var test = await client.PostAsync($"{Base}/{id}/test", null, Ct);
        using var deliveries = await client.GetAsync($"{Base}/{id}/deliveries", Ct);
        using var delete = await client.DeleteAsync($"{Base}/{id}", Ct);
        using var list = await client.GetAsync(Base, Ct);

        foreach (var response in new[] { get, patch, rotate, test, deliveries, delete })
        {
            await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        }

        var listed = await EnvelopeAssert.SuccessAsync(list, HttpStatusCode.OK, "Webhooks retrieved");
        Assert.Empty(listed.GetProperty("webhooks").EnumerateArray());
        var untouched = (await Store.GetAsync(owner.Scope, id, Ct))!.Webhook;
        Assert.Equal(url, untouched.Url);
        Assert.Equal(WebhookStatus.Active, untouched.Status);
        Assert.Equal(keys, await Store.GetSigningKeysAsync(owner.Scope, id, Ct));
        Assert.Empty((await Store.ListDeliveriesAsync(owner.Scope, id, null, 10, Ct)).Deliveries);
        Assert.Empty(Receiver.Received(url));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("3F1D2C4B-5A69-4E7F-8A1B-2C3D4E5F6A7B")]
    public async Task GetWebhook_MalformedOrUnknownId_Answers404(string id)
    {
        var (_, client) = await TenantAsync();

        using var response = await client.GetAsync($"{Base}/{id}", Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
