using Genviral.Core.Auth;

namespace Genviral.Admin.Keys;

/// <summary>A key as listed: never the secret or its hash, only the last four characters to tell keys apart.</summary>
internal sealed record KeyOutput(
    string PublicId,
    string Name,
    string Scope,
    string? WorkspaceId,
    string OwnerUserId,
    string SecretSuffix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    bool IsActive)
{
    public static KeyOutput From(ApiKey k) =>
        new(k.PublicId, k.Name, k.Scope.Name, k.Scope.WorkspaceId, k.OwnerUserId, k.SecretSuffix, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.IsActive);
}

/// <summary>The one output that carries the token: printed once at issue time, never stored in clear.</summary>
internal sealed record IssuedKeyOutput(
    string PublicId,
    string Token,
    string Name,
    string Scope,
    string? WorkspaceId,
    string OwnerUserId,
    string SecretSuffix,
    DateTimeOffset CreatedAt)
{
    public static IssuedKeyOutput From(IssuedKey issued) => new(
        issued.Key.PublicId, issued.Token, issued.Key.Name, issued.Key.Scope.Name, issued.Key.Scope.WorkspaceId,
        issued.Key.OwnerUserId, issued.Key.SecretSuffix, issued.Key.CreatedAt);
}

internal sealed record KeyListOutput(string Scope, string? WorkspaceId, string OwnerUserId, IReadOnlyList<KeyOutput> Keys);
