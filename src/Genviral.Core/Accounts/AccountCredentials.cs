using Genviral.Core.Platforms;
using Genviral.Core.Platforms.Publishing;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Accounts;

/// <summary>The token an account publishes with, and its id on the platform (its handle when none is stored).</summary>
/// <param name="Stored">A BYO account's stored credentials, which a refresh can renew; null for the service's own hosted token.</param>
public sealed record PublishingToken(string AccessToken, string PlatformUserId, PlatformCredentials? Stored);

/// <summary>
/// Which credentials an account publishes with: a BYO account its own stored tokens, renewed through the platform when
/// refused and stored again; a hosted account the service's own token for the account's platform.
/// </summary>
public sealed class AccountCredentials(AccountStore accounts, IOptions<PlatformsOptions> platforms)
{
    /// <summary>The account's token, or why it has none.</summary>
    public async Task<(PublishingToken? Token, string? Missing)> GetAsync(Scope scope, SocialAccount account, CancellationToken cancellationToken)
    {
        switch (account.Type)
        {
            case AccountType.Byo:
                var stored = await accounts.GetCredentialsAsync(scope, account.Id, cancellationToken);
                return stored is null
                    ? (null, "The account has no stored platform credentials")
                    : (new PublishingToken(stored.AccessToken, stored.PlatformUserId ?? account.Username, stored), null);
            case AccountType.Hosted:
                return platforms.Value.For(account.Platform).HostedAccessToken is { Length: > 0 } hosted
                    ? (new PublishingToken(hosted, account.Username, null), null)
                    : (null, $"Publishing to hosted {account.Platform.ToWire()} accounts is not configured");
            default:
                throw new ArgumentOutOfRangeException(nameof(account), account.Type, "No credentials for this account type.");
        }
    }

    /// <summary>
    /// A BYO account's token after the platform refused it: renewed through <paramref name="platform"/> and stored for
    /// the next attempts. Null for the service's own token, or when the platform refuses to renew it.
    /// </summary>
    public async Task<PublishingToken?> RefreshAsync(
        Scope scope, string accountId, PublishingToken token, IPlatformPublisher platform, CancellationToken cancellationToken)
    {
        if (token.Stored is null || await platform.RefreshAsync(token.Stored, cancellationToken) is not { } renewed)
        {
            return null;
        }

        await accounts.UpdateCredentialsAsync(scope, accountId, renewed, cancellationToken);
        return token with { AccessToken = renewed.AccessToken, Stored = renewed };
    }
}
