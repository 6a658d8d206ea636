using System.Net;
using System.Text.Json;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Webhooks;

/// <summary>
/// Events reach the local receiver through the app's own queue consumer: signed (checked with the receiver's own
/// HMAC), at least once, retried after failures and timeouts with the same webhook-id, and never sent where the
/// address rules forbid.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookFactory factory) : WebhookTestBase(factory), IClassFixture<WebhookFactory>
{
    [Fact]
    public async Task TestEvent_Delivered_SignedWithTheSecretAndCarryingTheWebhookAsGetShowsIt()
    {
        var (_, client) = await TenantAsync();
        var url = Receiver.Url();
        var (id, secret) = await CreateAsync(client, url, "post.published");

        var eventId = await SendTestAsync(client, id);
        var delivery = await SettledAsync(client, id, eventId);
        var webhook = await GetAsync(client, id);

        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("last_status_code").GetInt32());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, delivery.GetProperty("delivered_at").ValueKind);
        var received = Assert.Single(Receiver.Received(url));
        Assert.Equal(eventId, received.Id);
        Assert.True(WebhookReceiver.Verifies(received, secret));
        Assert.False(WebhookReceiver.Verifies(received with { Body = received.Body + " " }, secret));
        Assert.InRange(long.Parse(received.Timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var body = received.Json();
        Assert.Equal(["type", "timestamp", "data"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("webhook.test", body.GetProperty("type").GetString());
        Assert.EndsWith("Z", body.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal(webhook.ToString(), body.GetProperty("data").ToString());
    }

    [Fact]
    public async Task Receiver500sTwice_IsRetriedWithTheSameWebhookIdUntilDelivered()
    {
        var (_, client) = await TenantAsync();
        var url = Receiver.Url(500, 503);
        var (id, secret) = await CreateAsync(client, url);

        var eventId = await SendTestAsync(client, id);
        var delivery = await SettledAsync(client, id, eventId);
        var webhook = await GetAsync(client, id);

        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        var received = Receiver.Received(url);
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.True(WebhookReceiver.Verifies(r, secret)));
        Assert.Equal([eventId], received.Select(r => r.Id).Distinct());
        Assert.Single(received.Select(r => r.Json().GetProperty("data").ToString()).Distinct());
        Assert.Equal(0, webhook.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(JsonValueKind.Null, webhook.GetProperty("failing_since").ValueKind);
    }

    [Fact]
    public async Task ReceiverSlowerThanTheAttemptTimeout_IsRetried()
    {
        var (_, client) = await TenantAsync();
        var url = Receiver.Url(-8000);
        var (id, _) = await CreateAsync(client, url);

        var eventId = await SendTestAsync(client, id);
        var delivery = await SettledAsync(client, id, eventId);

        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(2, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(2, Receiver.Received(url).Count);
    }

    [Fact]
    public async Task ReceiverAlwaysFailing_GivesUpAfterTheLastAttemptAndKeepsTheRecord()
    {
        var (_, client) = await TenantAsync();
        var url = Receiver.Url(500, 500, 500, 500, 500);
        var (id, _) = await CreateAsync(client, url);

        var eventId = await SendTestAsync(client, id);
        var delivery = await SettledAsync(client, id, eventId);
        var webhook = await GetAsync(client, id);

        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(500, delivery.GetProperty("last_status_code").GetInt32());
        Assert.StartsWith("HTTP 500: receiver says 500", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
        Assert.Equal(4, Receiver.Received(url).Count);
        Assert.Equal("active", webhook.GetProperty("status").GetString());
        Assert.Equal(4, webhook.GetProperty("consecutive_failures").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, webhook.GetProperty("failing_since").ValueKind);
    }

    [Fact]
    public async Task Receiver410_DisablesTheWebhookAtOnceAndSaysWhy()
    {
        var (_, client) = await TenantAsync();
        var url = Receiver.Url(410);
        var (id, _) = await CreateAsync(client, url);

        var eventId = await SendTestAsync(client, id);
        var delivery = await SettledAsync(client, id, eventId);
        var webhook = await GetAsync(client, id);
        using var again = await client.PostAsync($"{Base}/{id}/test", null, Ct);

        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(410, delivery.GetProperty("last_status_code").GetInt32());
        Assert.Equal("disabled", webhook.GetProperty("status").GetString());
        Assert.Equal("the receiver answered 410 Gone", webhook.GetProperty("disabled_reason").GetString());
        await EnvelopeAssert.ErrorAsync(again, HttpStatusCode.Conflict, "webhook_disabled");
        Assert.Single(Receiver.Received(url));
    }

    [Fact]
    public async Task PrivateTargetAtDelivery_IsRefusedBeforeAnyConnection()
    {
        var (tenant, client) = await TenantAsync();
        // Written past the API's check, as if the name had resolved to a public address when it was registered.
        var url = Receiver.Url().Replace("http://127.0.0.1", "https://localhost", StringComparison.Ordinal);
        var created = await Store.CreateAsync(tenant.Scope, url, ["*"], null, Ct);
        var id = created!.Stored.Webhook.Id;

        var eventId = await SendTestAsync(client, id);
        var delivery = await SettledAsync(client, id, eventId);

        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("last_status_code").ValueKind);
        Assert.Contains("not a public address", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Empty(Receiver.Received(url));
    }

    [Fact]
    public async Task PlainHttpTargetOffTheAllowList_IsRefusedAtDelivery()
    {
        var (tenant, client) = await TenantAsync();
        var url = Receiver.Url().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        var created = await Store.CreateAsync(tenant.Scope, url, ["*"], null, Ct);
        var id = created!.Stored.Webhook.Id;

        var eventId = await SendTestAsync(client, id);
        var delivery = await SettledAsync(client, id, eventId);

        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal("refused: url must use https", delivery.GetProperty("last_error").GetString());
        Assert.Empty(Receiver.Received(url));
    }

    [Fact]
    public async Task AfterRotation_EachMessageCarriesTheNewAndTheOldSignature()
    {
        var (_, client) = await TenantAsync();
        var url = Receiver.Url();
        var (id, oldSecret) = await CreateAsync(client, url);
        using var rotate = await client.PostAsync($"{Base}/{id}/rotate-secret", null, Ct);
        var newSecret = (await EnvelopeAssert.SuccessAsync(rotate, HttpStatusCode.OK, "Webhook secret rotated")).GetProperty("secret").GetString()!;

        var eventId = await SendTestAsync(client, id);
        await SettledAsync(client, id, eventId);

        var received = Assert.Single(Receiver.Received(url));
        var signatures = received.Signature.Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.True(WebhookReceiver.Verifies(received with { Signature = signatures[0] }, newSecret));
        Assert.False(WebhookReceiver.Verifies(received with { Signature = signatures[0] }, oldSecret));
        Assert.True(WebhookReceiver.Verifies(received with { Signature = signatures[1] }, oldSecret));
        Assert.False(WebhookReceiver.Verifies(received with { Signature = signatures[1] }, newSecret));
    }
}
