using System.Net;
using System.Text.Json.Nodes;
using Genviral.Core.Webhooks;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Webhooks;

public sealed class WebhookEndpointTests(WebhookFactory factory) : WebhookTestBase(factory), IClassFixture<WebhookFactory>
{
    [Fact]
    public async Task CreateWebhook_Valid_Answers201WithTheSecretOnce()
    {
        var (_, client) = await TenantAsync();
        var body = Body("https://hooks.example.com/genviral", "post.published", "post.failed", "post.published");
        body["description"] = "  Production  ";

        using var response = await PostJsonAsync(client, Base, body);
        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Webhook created");
        var id = data.GetProperty("id").GetString()!;
        var got = await GetAsync(client, id);
        using var listResponse = await client.GetAsync(Base, Ct);
        var list = await EnvelopeAssert.SuccessAsync(listResponse, HttpStatusCode.OK, "Webhooks retrieved");

        Assert.Equal($"/api/partner/v1/webhooks/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("https://hooks.example.com/genviral", data.GetProperty("url").GetString());
        Assert.Equal(["post.published", "post.failed"], data.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Production", data.GetProperty("description").GetString());
        Assert.Equal("active", data.GetProperty("status").GetString());
        var secret = data.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        Assert.False(got.TryGetProperty("secret", out _));
        var listed = Assert.Single(list.GetProperty("webhooks").EnumerateArray());
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret, listed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateWebhook_Star_KeepsOnlyTheStar()
    {
        var (_, client) = await TenantAsync();

        using var response = await PostJsonAsync(client, Base, Body("https://hooks.example.com/all", "post.failed", "*"));

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Webhook created");
        Assert.Equal(["*"], data.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"events": ["*"]}""", "url" },
        { """{"url": "https://hooks.example.com/x"}""", "events" },
        { """{"url": 42, "events": ["*"]}""", "url" },
        { """{"url": "http://hooks.example.com/x", "events": ["*"]}""", "url" },
        { """{"url": "ftp://hooks.example.com/x", "events": ["*"]}""", "url" },
        { """{"url": "hooks.example.com/x", "events": ["*"]}""", "url" },
        { """{"url": "https://10.0.0.7/x", "events": ["*"]}""", "url" },
        { """{"url": "https://169.254.169.254/latest/meta-data/", "events": ["*"]}""", "url" },
        { """{"url": "https://[::1]/x", "events": ["*"]}""", "url" },
        { """{"url": "https://[fd00:ec2::254]/x", "events": ["*"]}""", "url" },
        { """{"url": "https://localhost/x", "events": ["*"]}""", "url" },
        { """{"url": "https://127.0.0.1:9/x", "events": ["*"]}""", "url" },
        { """{"url": "https://hooks.example.com/x", "events": []}""", "events" },
        { """{"url": "https://hooks.example.com/x", "events": "*"}""", "events" },
        { """{"url": "https://hooks.example.com/x", "events": ["post.deleted"]}""", "events" },
        { """{"url": "https://hooks.example.com/x", "events": [1]}""", "events" },
        { """{"url": "https://hooks.example.com/x", "events": ["*"], "description": 5}""", "description" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task CreateWebhook_BadField_Answers400ValidationFailedNamingItAndWritesNothing(string json, string field)
    {
        var (tenant, client) = await TenantAsync();

        using var response = await client.PostAsync(Base, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        var root = await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(root.GetProperty("issues").EnumerateArray(), i => i.GetProperty("field").GetString() == field);
        Assert.Empty(await Store.ListAsync(tenant.Scope, Ct));
    }

    [Fact]
    public async Task CreateWebhook_UrlOver2048Characters_IsRefused()
    {
        var (tenant, client) = await TenantAsync();

        using var response = await PostJsonAsync(client, Base, Body("https://hooks.example.com/" + new string('a', 2048), "*"));

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Empty(await Store.ListAsync(tenant.Scope, Ct));
    }

    [Fact]
    public async Task CreateWebhook_DescriptionOver256Characters_IsRefused()
    {
        var (tenant, client) = await TenantAsync();
        var body = Body("https://hooks.example.com/d", "*");
        body["description"] = new string('d', 257);

        using var response = await PostJsonAsync(client, Base, body);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Empty(await Store.ListAsync(tenant.Scope, Ct));
    }

    [Theory]
    [InlineData("[1, 2]", HttpStatusCode.UnprocessableEntity, "invalid_payload")]
    [InlineData("{\"url\": ", HttpStatusCode.BadRequest, "invalid_json")]
    public async Task CreateWebhook_NotAnObject_AnswersItsEnvelopeError(string json, HttpStatusCode status, string code)
    {
        var (tenant, client) = await TenantAsync();

        using var response = await client.PostAsync(Base, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        await EnvelopeAssert.ErrorAsync(response, status, code);
        Assert.Empty(await Store.ListAsync(tenant.Scope, Ct));
    }

    [Fact]
    public async Task CreateWebhook_EleventhInScope_Answers409WebhookLimitReached()
    {
        var (tenant, client) = await TenantAsync();
        for (var i = 0; i < WebhookOptions.MaxPerScope; i++)
        {
            await CreateAsync(client, $"https://hooks.example.com/{i}");
        }

        using var response = await PostJsonAsync(client, Base, Body("https://hooks.example.com/eleventh", "*"));

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "webhook_limit_reached");
        Assert.Equal(WebhookOptions.MaxPerScope, (await Store.ListAsync(tenant.Scope, Ct)).Count);
    }

    [Fact]
    public async Task CreateWebhook_ConcurrentAtTheLimit_NeverExceedsIt()
    {
        var (tenant, client) = await TenantAsync();
        for (var i = 0; i < WebhookOptions.MaxPerScope - 2; i++)
        {
            await CreateAsync(client, $"https://hooks.example.com/{i}");
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PostJsonAsync(client, Base, Body($"https://hooks.example.com/c{i}", "*"))));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(WebhookOptions.MaxPerScope, (await Store.ListAsync(tenant.Scope, Ct)).Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task UpdateWebhook_NoKnownField_Answers422InvalidPayload()
    {
        var (_, client) = await TenantAsync();
        var (id, _) = await CreateAsync(client, "https://hooks.example.com/p");

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["colour"] = "blue" });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_payload");
    }

    [Fact]
    public async Task UpdateWebhook_BadStatus_Answers400AndLeavesItAlone()
    {
        var (tenant, client) = await TenantAsync();
        var (id, _) = await CreateAsync(client, "https://hooks.example.com/p");

        using var response = await PatchJsonAsync(client, id, new JsonObject { ["status"] = "paused", ["description"] = "changed" });

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        var stored = (await Store.GetAsync(tenant.Scope, id, Ct))!.Webhook;
        Assert.Equal(WebhookStatus.Active, stored.Status);
        Assert.Null(stored.Description);
    }

    [Fact]
    public async Task UpdateWebhook_DisableThenNewUrl_StaysDisabledUntilStatusActive()
    {
        var (_, client) = await TenantAsync();
        var (id, _) = await CreateAsync(client, "https://hooks.example.com/old");

        using var disable = await PatchJsonAsync(client, id, new JsonObject { ["status"] = "disabled" });
        var disabled = await EnvelopeAssert.SuccessAsync(disable, HttpStatusCode.OK, "Webhook updated");
        using var move = await PatchJsonAsync(client, id, new JsonObject { ["url"] = "https://hooks.example.com/new", ["events"] = new JsonArray("post.failed") });
        var moved = await EnvelopeAssert.SuccessAsync(move, HttpStatusCode.OK, "Webhook updated");
        using var enable = await PatchJsonAsync(client, id, new JsonObject { ["status"] = "active", ["description"] = null });
        var enabled = await EnvelopeAssert.SuccessAsync(enable, HttpStatusCode.OK, "Webhook updated");

        Assert.Equal("disabled", disabled.GetProperty("status").GetString());
        Assert.Equal("disabled through the API", disabled.GetProperty("disabled_reason").GetString());
        Assert.Equal("disabled", moved.GetProperty("status").GetString());
        Assert.Equal("https://hooks.example.com/new", moved.GetProperty("url").GetString());
        Assert.Equal(["post.failed"], moved.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("active", enabled.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, enabled.GetProperty("disabled_reason").ValueKind);
        Assert.Equal(0, enabled.GetProperty("consecutive_failures").GetInt32());
    }

    [Fact]
    public async Task UpdateWebhook_StaleIfMatch_Answers412AndWritesNothing()
    {
        var (tenant, client) = await TenantAsync();
        var (id, _) = await CreateAsync(client, "https://hooks.example.com/e");
        using var first = await client.GetAsync($"{Base}/{id}", Ct);
        var etag = first.Headers.ETag!.ToString();
        using var change = await PatchJsonAsync(client, id, new JsonObject { ["description"] = "first" }, etag);
        await EnvelopeAssert.SuccessAsync(change, HttpStatusCode.OK, "Webhook updated");

        using var stale = await PatchJsonAsync(client, id, new JsonObject { ["description"] = "second" }, etag);
        using var staleDelete = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"{Base}/{id}") { Headers = { { "If-Match", etag } } }, Ct);

        await EnvelopeAssert.ErrorAsync(stale, HttpStatusCode.PreconditionFailed, "precondition_failed");
        await EnvelopeAssert.ErrorAsync(staleDelete, HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal("first", (await Store.GetAsync(tenant.Scope, id, Ct))!.Webhook.Description);
    }

    [Fact]
    public async Task DeleteWebhook_RemovesItItsSecretAndItsLog()
    {
        var (tenant, client) = await TenantAsync();
        var (id, _) = await CreateAsync(client, Receiver.Url());
        var eventId = await SendTestAsync(client, id);
        await SettledAsync(client, id, eventId);

        using var delete = await client.DeleteAsync($"{Base}/{id}", Ct);
        using var again = await client.DeleteAsync($"{Base}/{id}", Ct);
        using var get = await client.GetAsync($"{Base}/{id}", Ct);
        using var create = await PostJsonAsync(client, Base, Body("https://hooks.example.com/after", "*"));

        var data = await EnvelopeAssert.SuccessAsync(delete, HttpStatusCode.OK, "Webhook deleted");
        Assert.True(data.GetProperty("deleted").GetBoolean());
        await EnvelopeAssert.ErrorAsync(again, HttpStatusCode.NotFound, "not_found");
        await EnvelopeAssert.ErrorAsync(get, HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await Store.GetSigningKeysAsync(tenant.Scope, id, Ct));
        Assert.Empty((await Store.ListDeliveriesAsync(tenant.Scope, id, null, 10, Ct)).Deliveries);
        await EnvelopeAssert.SuccessAsync(create, HttpStatusCode.Created, "Webhook created");
    }

    [Fact]
    public async Task RotateWebhookSecret_AnswersANewSecretAndWhenTheOldOneStops()
    {
        var (_, client) = await TenantAsync();
        var (id, secret) = await CreateAsync(client, "https://hooks.example.com/r");

        using var response = await client.PostAsync($"{Base}/{id}/rotate-secret", null, Ct);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Webhook secret rotated");
        var rotated = data.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", rotated, StringComparison.Ordinal);
        Assert.NotEqual(secret, rotated);
        var expires = data.GetProperty("previous_secret_expires_at").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task TestWebhook_Disabled_Answers409WebhookDisabledAndQueuesNothing()
    {
        var (_, client) = await TenantAsync();
        var url = Receiver.Url();
        var (id, _) = await CreateAsync(client, url);
        using var disable = await PatchJsonAsync(client, id, new JsonObject { ["status"] = "disabled" });

        using var response = await client.PostAsync($"{Base}/{id}/test", null, Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Conflict, "webhook_disabled");
        Assert.Empty((await DeliveriesAsync(client, id)).GetProperty("deliveries").EnumerateArray());
        Assert.Empty(Receiver.Received(url));
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=101")]
    [InlineData("?limit=ten")]
    [InlineData("?cursor=bm90LWEtY3Vyc29y")]
    [InlineData("?limit=1&limit=2")]
    public async Task ListWebhookDeliveries_BadQuery_Answers400InvalidQueryParameter(string query)
    {
        var (_, client) = await TenantAsync();
        var (id, _) = await CreateAsync(client, "https://hooks.example.com/q");

        using var response = await client.GetAsync($"{Base}/{id}/deliveries{query}", Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_query_parameter");
    }

    [Fact]
    public async Task ListWebhookDeliveries_Pages_NewestFirstWithACursor()
    {
        var (_, client) = await TenantAsync();
        var (id, _) = await CreateAsync(client, Receiver.Url());
        var events = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            events.Add(await SendTestAsync(client, id));
        }

        var first = await DeliveriesAsync(client, id, "?limit=2");
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await DeliveriesAsync(client, id, "?limit=2&cursor=" + cursor);

        var seen = first.GetProperty("deliveries").EnumerateArray().Concat(second.GetProperty("deliveries").EnumerateArray())
            .Select(d => d.GetProperty("event_id").GetString()).ToList();
        Assert.Equal(Enumerable.Reverse(events), seen);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
        Assert.All(first.GetProperty("deliveries").EnumerateArray(), d => Assert.Equal("webhook.test", d.GetProperty("type").GetString()));
    }
}
