using System.Net;
using Genviral.Core.Tenancy;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Auth;

/// <summary>Authentication reuses key rows and subscriptions, yet a change made through the app's own stores applies to the very next request.</summary>
public sealed class AccessCacheTests(SharedApiFactory factory)
{
    [Fact]
    public async Task Request_KeyRevokedInProcess_IsRefusedAtOnce()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient(tenant.Token);
        using var before = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await factory.Keys.RevokeAsync(tenant.PublicId, TestContext.Current.CancellationToken);
        using var after = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(after, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task Request_PlanChangedInProcess_IsAppliedAtOnce()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient(tenant.Token);
        using var before = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await factory.Tenants.SetPlanAsync(tenant.Scope, Plan.Scheduler, "month", TestContext.Current.CancellationToken);
        using var after = await client.GetAsync("/api/partner/v1/accounts", TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(after, HttpStatusCode.Forbidden, "tier_not_allowed");
    }

    [Fact]
    public async Task GetSubscription_CreditsGrantedInProcess_AreShownAtOnce()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient(tenant.Token);
        using var before = await client.GetAsync("/api/partner/v1/subscription", TestContext.Current.CancellationToken);
        var limitBefore = (await EnvelopeAssert.SuccessAsync(before, HttpStatusCode.OK, "Subscription retrieved"))
            .GetProperty("subscription").GetProperty("credits").GetProperty("limit").GetInt32();

        await factory.Tenants.GrantCreditsAsync(tenant.Scope, 25, TestContext.Current.CancellationToken);
        using var after = await client.GetAsync("/api/partner/v1/subscription", TestContext.Current.CancellationToken);

        var data = await EnvelopeAssert.SuccessAsync(after, HttpStatusCode.OK, "Subscription retrieved");
        Assert.Equal(limitBefore + 25, data.GetProperty("subscription").GetProperty("credits").GetProperty("limit").GetInt32());
    }
}
