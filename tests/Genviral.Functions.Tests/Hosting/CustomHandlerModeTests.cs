using System.Net;
using System.Text;
using System.Text.Json;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Hosting;

public sealed class CustomHandlerFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7071",
    };
}

/// <summary>The app as the Functions host sees it: queue work arrives as POST /{FunctionName} with the host's envelope.</summary>
public sealed class CustomHandlerModeTests(CustomHandlerFactory factory) : IClassFixture<CustomHandlerFactory>
{
    [Fact]
    public async Task RecordKeyUsage_HostInvocationForQueuedUse_SetsLastUsedAt()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await factory.CreateTenantAsync();
        using var api = factory.CreateClient(tenant.Token);
        using var apiResponse = await api.GetAsync("/api/partner/v1/accounts", ct);
        Assert.Equal(HttpStatusCode.OK, apiResponse.StatusCode);
        var queued = await ReceiveUsageMessageAsync(tenant.PublicId);

        using var host = factory.CreateClient();
        using var response = await host.PostAsync("/RecordKeyUsage", HostEnvelope(queued, dequeueCount: 1), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("Logs").ValueKind);
        var key = await factory.Keys.GetAsync(tenant.PublicId, ct);
        Assert.NotNull(key?.LastUsedAt);
    }

    [Fact]
    public async Task RecordKeyUsage_RepeatedRequestsWithinInterval_QueueOneMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await factory.CreateTenantAsync();
        using var api = factory.CreateClient(tenant.Token);

        for (var i = 0; i < 5; i++)
        {
            using var r = await api.GetAsync("/api/partner/v1/subscription", ct);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var messages = await factory.Storage.Queue(StorageNames.KeyUsageQueue).PeekMessagesAsync(32, ct);
        Assert.Single(messages.Value, m => m.Body.ToString().Contains(tenant.PublicId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordKeyUsage_NotAnEnvelope_AnswersNon2xxSoTheHostRetries()
    {
        using var host = factory.CreateClient();

        using var response = await host.PostAsync("/RecordKeyUsage", new StringContent("{\"nope\":true}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.NotEmpty(body.RootElement.GetProperty("Logs").EnumerateArray());
    }

    [Fact]
    public async Task RecordKeyUsage_OlderUseThanStored_NeverMovesLastUsedAtBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await factory.CreateTenantAsync();
        var recent = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        await factory.Keys.RecordUsageAsync(tenant.PublicId, recent, ct);
        var stale = $"{{\"public_id\":\"{tenant.PublicId}\",\"used_at\":\"2026-11-01T00:00:00Z\"}}";
        using var host = factory.CreateClient();

        using var response = await host.PostAsync("/RecordKeyUsage", HostEnvelope(stale, dequeueCount: 3), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(recent, (await factory.Keys.GetAsync(tenant.PublicId, ct))?.LastUsedAt);
    }

    [Fact]
    public async Task TriggerRoutes_AreNotPublicApiRoutes()
    {
        using var host = factory.CreateClient();

        using var response = await host.GetAsync("/RecordKeyUsage", TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    private async Task<string> ReceiveUsageMessageAsync(string publicId)
    {
        var queue = factory.Storage.Queue(StorageNames.KeyUsageQueue);
        string? body = null;
        Assert.True(await Poll.UntilAsync(async () =>
        {
            var messages = await queue.PeekMessagesAsync(32, TestContext.Current.CancellationToken);
            body = messages.Value.Select(m => m.Body.ToString()).FirstOrDefault(b => b.Contains(publicId, StringComparison.Ordinal));
            return body is not null;
        }));
        return body!;
    }

    /// <summary>The envelope exactly as the host builds it: the message text JSON-encoded twice, metadata strings quoted.</summary>
    private static StringContent HostEnvelope(string messageText, int dequeueCount)
    {
        var data = JsonSerializer.Serialize(JsonSerializer.Serialize(messageText));
        var json = """
            {"Data":{"message":@@0@@},"Metadata":{"DequeueCount":"@@1@@","Id":"\"@@2@@\"","PopReceipt":"\"AgAAAA\"",
             "InsertionTime":"\"2026-11-23T10:00:00+00:00\"","sys":{"MethodName":"RecordKeyUsage","UtcNow":"2026-11-23T10:00:00Z","RandGuid":"@@3@@"}}}
            """.Replace("@@0@@", (data).ToString(), StringComparison.Ordinal).Replace("@@1@@", (dequeueCount).ToString(), StringComparison.Ordinal).Replace("@@2@@", (Guid.NewGuid()).ToString(), StringComparison.Ordinal).Replace("@@3@@", (Guid.NewGuid()).ToString(), StringComparison.Ordinal);
        return new StringContent(json, Encoding.UTF8, "application/json");
    }
}
