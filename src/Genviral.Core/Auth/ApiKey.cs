using Genviral.Core.Tenancy;

namespace Genviral.Core.Auth;

/// <summary>An API key as stored, without its secret (only the secret's hash and last four characters exist).</summary>
public sealed record ApiKey(
    string PublicId,
    string Name,
    Scope Scope,
    string OwnerUserId,
    string SecretSuffix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public bool IsActive => RevokedAt is null;
}
