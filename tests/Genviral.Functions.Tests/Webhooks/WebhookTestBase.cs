using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Genviral.Functions.Tests.Webhooks;

/// <summary>Helpers of the webhook tests: tenants with clients, webhooks made through the API, and waiting for deliveries to settle.</summary>
public abstract class WebhookTestBase(WebhookFactory factory)
{
    protected const string Base = "/api/partner/v1/webhooks";

    protected WebhookFactory Factory { get; } = factory;

    protected WebhookReceiver Receiver => Factory.Receiver;

    internal WebhookStore Store => Factory.Services.GetRequiredService<WebhookStore>();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal async Task<(Tenant Tenant, HttpClient Client)> TenantAsync(ScopeKind kind = ScopeKind.Workspace)
    {
        var tenant = await Factory.CreateTenantAsync(kind);
        return (tenant, Factory.CreateClient(tenant.Token));
    }

    internal static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, JsonNode body) =>
        client.PostAsync(path, JsonContent.Create(body), Ct);

    protected static async Task<HttpResponseMessage> PatchJsonAsync(HttpClient client, string id, JsonNode body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{Base}/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request, Ct);
    }

    internal static JsonObject Body(string url, params string[] events) => new()
    {
        ["url"] = url,
        ["events"] = new JsonArray([.. events.Select(e => (JsonNode)e)]),
    };

    /// <summary>Creates a webhook through the API and returns its id and secret.</summary>
    internal static async Task<(string Id, string Secret)> CreateAsync(HttpClient client, string url, params string[] events)
    {
        using var response = await PostJsonAsync(client, Base, Body(url, events.Length == 0 ? ["*"] : events));
        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Webhook created");
        return (data.GetProperty("id").GetString()!, data.GetProperty("secret").GetString()!);
    }

    /// <summary>Queues a webhook.test event and returns its event id.</summary>
    protected static async Task<string> SendTestAsync(HttpClient client, string id)
    {
        using var response = await client.PostAsync($"{Base}/{id}/test", null, Ct);
        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Accepted, "Test event queued");
        return data.GetProperty("event_id").GetString()!;
    }

    protected static async Task<JsonElement> DeliveriesAsync(HttpClient client, string id, string query = "")
    {
        using var response = await client.GetAsync($"{Base}/{id}/deliveries{query}", Ct);
        return await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Webhook deliveries retrieved");
    }

    /// <summary>The delivery of <paramref name="eventId"/> once it is no longer pending (delivered or given up).</summary>
    protected static async Task<JsonElement> SettledAsync(HttpClient client, string id, string eventId)
    {
        JsonElement delivery = default;
        var settled = await Poll.UntilAsync(async () =>
        {
            delivery = (await DeliveriesAsync(client, id)).GetProperty("deliveries").EnumerateArray().Single(d => d.GetProperty("event_id").GetString() == eventId);
            return delivery.GetProperty("status").GetString() != "pending";
        });
        Assert.True(settled, "the delivery is still pending: " + delivery);
        return delivery;
    }

    protected static async Task<JsonElement> GetAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"{Base}/{id}", Ct);
        return await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Webhook retrieved");
    }
}
