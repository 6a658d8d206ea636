using Genviral.Core.Accounts;
using Genviral.Core.Platforms;
using Genviral.Core.Platforms.Publishing;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Testing;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Accounts;

/// <summary>Which token an account publishes with, and how a refused BYO token is renewed, against Azurite.</summary>
public sealed class AccountCredentialsTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly Scope _scope = Scope.Workspace(Guid.NewGuid().ToString());
    private readonly PlatformsOptions _platforms = new()
    {
        TikTok = { HostedAccessToken = "hosted-tiktok" },
        Instagram = { HostedAccessToken = "hosted-instagram" },
        YouTube = { HostedAccessToken = "hosted-youtube" },
    };

    private AccountStore _accounts = null!;
    private AccountCredentials _credentials = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        StorageClients storage = await TestStorage.CreateAsync(_prefix);
        _accounts = new AccountStore(storage, TimeProvider.System);
        _credentials = new AccountCredentials(_accounts, Options.Create(_platforms));
    }

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Theory]
    [InlineData(Platform.Tiktok, "hosted-tiktok")]
    [InlineData(Platform.Instagram, "hosted-instagram")]
    [InlineData(Platform.Youtube, "hosted-youtube")]
    public async Task GetAsync_HostedAccount_IsItsOwnPlatformsHostedTokenWithItsHandle(Platform platform, string token)
    {
        var account = await AddAsync(platform, AccountType.Hosted, null);

        var (found, missing) = await _credentials.GetAsync(_scope, account, Ct);

        Assert.Null(missing);
        Assert.Equal(new PublishingToken(token, account.Username, null), found);
    }

    [Fact]
    public async Task GetAsync_HostedPlatformWithoutAToken_SaysItIsNotConfigured()
    {
        _platforms.Instagram.HostedAccessToken = "";
        var account = await AddAsync(Platform.Instagram, AccountType.Hosted, null);

        var (found, missing) = await _credentials.GetAsync(_scope, account, Ct);

        Assert.Null(found);
        Assert.Equal("Publishing to hosted instagram accounts is not configured", missing);
    }

    [Fact]
    public async Task GetAsync_ByoAccount_IsItsStoredTokenAndPlatformUserId()
    {
        var stored = new PlatformCredentials("byo-access", "byo-refresh", null, "ig-user-7");
        var account = await AddAsync(Platform.Instagram, AccountType.Byo, stored);

        var (found, missing) = await _credentials.GetAsync(_scope, account, Ct);

        Assert.Null(missing);
        Assert.Equal(new PublishingToken("byo-access", "ig-user-7", stored), found);
    }

    [Fact]
    public async Task GetAsync_ByoAccountWithoutCredentials_SaysSo()
    {
        var account = await AddAsync(Platform.Tiktok, AccountType.Byo, null);

        var (found, missing) = await _credentials.GetAsync(_scope, account, Ct);

        Assert.Null(found);
        Assert.Equal("The account has no stored platform credentials", missing);
    }

    [Fact]
    public async Task RefreshAsync_ByoTokenRenewed_IsTheNewTokenAndStoresIt()
    {
        var account = await AddAsync(Platform.Tiktok, AccountType.Byo, new PlatformCredentials("old", "refresh-1", null, null));
        var (token, _) = await _credentials.GetAsync(_scope, account, Ct);
        var renewed = new PlatformCredentials("new", "refresh-2", null, null);

        var refreshed = await _credentials.RefreshAsync(_scope, account.Id, token!, new Refresher(renewed), Ct);

        Assert.Equal(new PublishingToken("new", account.Username, renewed), refreshed);
        Assert.Equal(renewed, await _accounts.GetCredentialsAsync(_scope, account.Id, Ct));
    }

    [Fact]
    public async Task RefreshAsync_PlatformRefuses_IsNullAndKeepsTheStoredTokens()
    {
        var stored = new PlatformCredentials("old", "refresh-1", null, null);
        var account = await AddAsync(Platform.Youtube, AccountType.Byo, stored);
        var (token, _) = await _credentials.GetAsync(_scope, account, Ct);

        var refreshed = await _credentials.RefreshAsync(_scope, account.Id, token!, new Refresher(null), Ct);

        Assert.Null(refreshed);
        Assert.Equal(stored, await _accounts.GetCredentialsAsync(_scope, account.Id, Ct));
    }

    [Fact]
    public async Task RefreshAsync_HostedToken_IsNullWithoutAskingThePlatform()
    {
        var account = await AddAsync(Platform.Tiktok, AccountType.Hosted, null);
        var (token, _) = await _credentials.GetAsync(_scope, account, Ct);
        var refresher = new Refresher(new PlatformCredentials("never", null, null, null));

        var refreshed = await _credentials.RefreshAsync(_scope, account.Id, token!, refresher, Ct);

        Assert.Null(refreshed);
        Assert.Equal(0, refresher.Calls);
    }

    private Task<SocialAccount> AddAsync(Platform platform, AccountType type, PlatformCredentials? credentials) =>
        _accounts.AddAsync(_scope, platform, type, "brand_" + Guid.NewGuid().ToString("N")[..6], "Brand", credentials, Ct);

    /// <summary>A platform whose token endpoint answers <paramref name="renewed"/> (null: refuses).</summary>
    private sealed class Refresher(PlatformCredentials? renewed) : IPlatformPublisher
    {
        public int Calls { get; private set; }

        public Platform Platform => Platform.Tiktok;

        public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(renewed);
        }
    }
}
