using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Core.Webhooks;
using Genviral.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Genviral.Core.Tests.Webhooks;

/// <summary>The webhook store against Azurite: secrets during and after a rotation, and the delivery log's retention.</summary>
public sealed class WebhookStoreTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private StorageClients _storage = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _storage = await TestStorage.CreateAsync(_prefix);

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task GetSigningKeys_AfterRotation_BothFor24HoursThenOnlyTheNew()
    {
        var store = new WebhookStore(_storage, _clock);
        var scope = Scope.Workspace(Guid.NewGuid().ToString());
        var created = (await store.CreateAsync(scope, "https://hooks.example.com/x", ["*"], null, Ct))!;
        var id = created.Stored.Webhook.Id;

        var rotated = (await store.RotateSecretAsync(scope, id, Ct))!;
        var during = await store.GetSigningKeysAsync(scope, id, Ct);
        _clock.Advance(TimeSpan.FromHours(24));
        var after = await store.GetSigningKeysAsync(scope, id, Ct);

        Assert.Equal(_clock.GetUtcNow(), rotated.PreviousExpiresAt);
        Assert.Equal([WebhookSignature.KeyOf(rotated.Secret), WebhookSignature.KeyOf(created.Secret)], during);
        Assert.Equal([WebhookSignature.KeyOf(rotated.Secret)], after);
    }

    [Fact]
    public async Task AddDelivery_SameEventTwice_LogsItOnce()
    {
        var store = new WebhookStore(_storage, _clock);
        var scope = Scope.Personal(Guid.NewGuid().ToString());
        var id = (await store.CreateAsync(scope, "https://hooks.example.com/x", ["*"], null, Ct))!.Stored.Webhook.Id;
        var e = new WebhookEvent(WebhookEvent.NewId(), WebhookEvents.WebhookTest, _clock.GetUtcNow(), WebhookSubject.Webhook, new() { ["Id"] = id });

        var first = await store.AddDeliveryAsync(scope, id, e, Ct);
        var second = await store.AddDeliveryAsync(scope, id, e, Ct);

        Assert.Equal(first.Delivery.Key, second.Delivery.Key);
        Assert.Single((await store.ListDeliveriesAsync(scope, id, null, 10, Ct)).Deliveries);
        Assert.Equal(id, second.Event.Data.GetString("Id"));
    }

    [Fact]
    public async Task AddDelivery_LogRowsPastRetention_AreRemoved()
    {
        var store = new WebhookStore(_storage, _clock);
        var scope = Scope.Personal(Guid.NewGuid().ToString());
        var id = (await store.CreateAsync(scope, "https://hooks.example.com/x", ["*"], null, Ct))!.Stored.Webhook.Id;
        var old = new WebhookEvent(WebhookEvent.NewId(), WebhookEvents.WebhookTest, _clock.GetUtcNow(), WebhookSubject.Webhook, new());
        await store.AddDeliveryAsync(scope, id, old, Ct);
        _clock.Advance(WebhookOptions.DeliveryRetention + TimeSpan.FromMinutes(1));
        var recent = new WebhookEvent(WebhookEvent.NewId(), WebhookEvents.WebhookTest, _clock.GetUtcNow(), WebhookSubject.Webhook, new());

        await store.AddDeliveryAsync(scope, id, recent, Ct);

        var kept = (await store.ListDeliveriesAsync(scope, id, null, 10, Ct)).Deliveries;
        Assert.Equal([recent.Id], kept.Select(d => d.EventId));
    }
}
