using System.Net;
using System.Net.Http.Headers;
using Genviral.Core.Auth;
using Genviral.Core.Tenancy;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Auth;

public sealed class AuthenticationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string AccountsPath = "/api/partner/v1/accounts";

    public static TheoryData<string> BadAuthorizationHeaders => new()
    {
        "",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Bearer gva_live_zzzzzzzzzzzz.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Bearer gva_live_0123456789ab",
        "Bearer gva_live_0123456789ab.short",
        "Bearer gva_live_0123456789ab.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };

    [Theory]
    [MemberData(nameof(BadAuthorizationHeaders))]
    public async Task GetAccounts_MalformedToken_Returns401InvalidToken(string header)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, AccountsPath);
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task GetAccounts_NoAuthorizationHeader_Returns401InvalidToken()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(AccountsPath, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task GetAccounts_WrongSecret_Returns401WithSameMessageAsUnknownKey()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, otherSecret) = ApiToken.Generate();
        using var wrongSecret = factory.CreateClient(ApiToken.Format(tenant.PublicId, otherSecret));
        var (unknownId, unknownSecret) = ApiToken.Generate();
        using var unknownKey = factory.CreateClient(ApiToken.Format(unknownId, unknownSecret));

        using var wrongResponse = await wrongSecret.GetAsync(AccountsPath, TestContext.Current.CancellationToken);
        using var unknownResponse = await unknownKey.GetAsync(AccountsPath, TestContext.Current.CancellationToken);

        var wrong = await EnvelopeAssert.ErrorAsync(wrongResponse, HttpStatusCode.Unauthorized, "invalid_token");
        var unknown = await EnvelopeAssert.ErrorAsync(unknownResponse, HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal(unknown.GetProperty("message").GetString(), wrong.GetProperty("message").GetString());
    }

    [Fact]
    public async Task GetAccounts_RevokedKey_Returns401InvalidToken()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient(tenant.Token);
        using var before = await client.GetAsync(AccountsPath, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await factory.Keys.RevokeAsync(tenant.PublicId, TestContext.Current.CancellationToken);
        using var after = await client.GetAsync(AccountsPath, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(after, HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task GetAccounts_BearerSchemeInOtherCase_IsAccepted()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("bearer", tenant.Token);

        using var response = await client.GetAsync(AccountsPath, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(ScopeKind.Workspace)]
    [InlineData(ScopeKind.Personal)]
    public async Task GetAccounts_NoSubscription_Returns402SubscriptionRequired(ScopeKind kind)
    {
        var tenant = await factory.CreateTenantAsync(kind, plan: null);
        using var client = factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync(AccountsPath, TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.PaymentRequired, "subscription_required");
    }

    [Fact]
    public async Task GetSubscription_SchedulerPlan_Returns403TierNotAllowed()
    {
        var tenant = await factory.CreateTenantAsync(plan: Plan.Scheduler);
        using var client = factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync("/api/partner/v1/subscription", TestContext.Current.CancellationToken);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "tier_not_allowed");
    }

    [Theory]
    [InlineData(Plan.Creator)]
    [InlineData(Plan.Professional)]
    [InlineData(Plan.Business)]
    public async Task GetAccounts_AllowedPlans_Return200(Plan plan)
    {
        var tenant = await factory.CreateTenantAsync(plan: plan);
        using var client = factory.CreateClient(tenant.Token);

        using var response = await client.GetAsync(AccountsPath, TestContext.Current.CancellationToken);

        await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.OK, "Accounts retrieved");
    }

    [Fact]
    public async Task GetAccounts_UnauthenticatedRequest_QueuesNoKeyUsage()
    {
        var (id, secret) = ApiToken.Generate();
        using var client = factory.CreateClient(ApiToken.Format(id, secret));

        using var response = await client.GetAsync(AccountsPath, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var peeked = await factory.Storage.Queue(Core.Storage.StorageNames.KeyUsageQueue).PeekMessagesAsync(32, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(peeked.Value, m => m.Body.ToString().Contains(id, StringComparison.Ordinal));
    }
}
