using Genviral.Core.Auth;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Testing;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Analytics;

/// <summary>The credit pool against real Azurite: ETag-safe, and idempotent per operation id.</summary>
public sealed class CreditLedgerTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private StorageClients _storage = null!;

    public async ValueTask InitializeAsync() => _storage = await TestStorage.CreateAsync(_prefix);

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task ChargeAsync_ConcurrentChargesBeyondThePool_TakeExactlyThePool()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenants, ledger, scope) = await OwnerWithCreditsAsync(3);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ledger.ChargeAsync(scope, "op" + i, 1, ct)));

        Assert.Equal(3, results.Count(r => r));
        Assert.Equal(3, (await tenants.GetSubscriptionAsync(scope, ct))!.CreditsUsed);
    }

    [Fact]
    public async Task ChargeAndRefund_RepeatedForOneOperation_CountOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenants, ledger, scope) = await OwnerWithCreditsAsync(5);

        var charged = await ledger.ChargeAsync(scope, "op", 1, ct);
        var chargedAgain = await ledger.ChargeAsync(scope, "op", 1, ct);
        var usedAfterCharges = (await tenants.GetSubscriptionAsync(scope, ct))!.CreditsUsed;
        var refunded = await ledger.RefundAsync(scope, "op", 1, ct);
        var refundedAgain = await ledger.RefundAsync(scope, "op", 1, ct);

        Assert.True(charged);
        Assert.True(chargedAgain);
        Assert.Equal(1, usedAfterCharges);
        Assert.True(refunded);
        Assert.False(refundedAgain);
        Assert.Equal(0, (await tenants.GetSubscriptionAsync(scope, ct))!.CreditsUsed);
    }

    [Fact]
    public async Task RefundAsync_NothingChargedForTheOperation_GivesNothingBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var (tenants, ledger, scope) = await OwnerWithCreditsAsync(5);
        Assert.True(await ledger.ChargeAsync(scope, "charged", 1, ct));

        var refunded = await ledger.RefundAsync(scope, "never-charged", 1, ct);

        Assert.False(refunded);
        Assert.False(await ledger.HoldsChargeAsync(scope, "never-charged", ct));
        Assert.True(await ledger.HoldsChargeAsync(scope, "charged", ct));
        Assert.Equal(1, (await tenants.GetSubscriptionAsync(scope, ct))!.CreditsUsed);
    }

    [Fact]
    public async Task HoldsChargeAsync_ChargeGivenBack_IsFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, ledger, scope) = await OwnerWithCreditsAsync(5);
        Assert.True(await ledger.ChargeAsync(scope, "op", 1, ct));
        Assert.True(await ledger.HoldsChargeAsync(scope, "op", ct));

        Assert.True(await ledger.RefundAsync(scope, "op", 1, ct));

        Assert.False(await ledger.HoldsChargeAsync(scope, "op", ct));
    }

    [Fact]
    public async Task ChargeAsync_NoSubscriptionOrEmptyPool_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, ledger, scope) = await OwnerWithCreditsAsync(0);

        Assert.False(await ledger.ChargeAsync(scope, "op", 1, ct));
        Assert.False(await ledger.ChargeAsync(Scope.Workspace(Guid.NewGuid().ToString()), "op", 1, ct));
    }

    private async Task<(TenantStore, CreditLedger, Scope)> OwnerWithCreditsAsync(int credits)
    {
        var ct = TestContext.Current.CancellationToken;
        var cache = new AccessCache(Options.Create(new AccessCacheOptions()), TimeProvider.System);
        var tenants = new TenantStore(_storage, TimeProvider.System, cache);
        var scope = Scope.Workspace(Guid.NewGuid().ToString());
        await tenants.SetPlanAsync(scope, Plan.Business, "month", ct);
        await tenants.GrantCreditsAsync(scope, credits, ct);
        return (tenants, new CreditLedger(_storage, TimeProvider.System, cache), scope);
    }
}
