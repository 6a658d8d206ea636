namespace Genviral.Core.Accounts;

public enum Platform
{
    Tiktok,
    Instagram,
    Youtube,
}

public enum AccountType
{
    /// <summary>Connected by the customer; we publish with their stored platform credentials.</summary>
    Byo,

    /// <summary>Run by Genviral; we publish with the service's own credentials.</summary>
    Hosted,
}

public enum AccountStatus
{
    Active,
    Paused,
    Revoked,
}

public sealed record SocialAccount(
    string Id,
    Platform Platform,
    AccountType Type,
    string Username,
    string DisplayName,
    AccountStatus Status,
    string? WorkspaceId,
    DateTimeOffset CreatedAt);

/// <summary>A BYO account's OAuth credentials. Kept in their own table so listing accounts never reads a secret.</summary>
public sealed record PlatformCredentials(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt, string? PlatformUserId);

public static class AccountEnums
{
    public static string ToWire<T>(this T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>
    /// Parses a wire name exactly as <see cref="ToWire{T}"/> writes it: the contract lists every enum value in lower
    /// case, so another spelling ("POSTED"), a number or an unknown name is refused like any other bad value.
    /// </summary>
    public static bool TryParseWire<T>(string? value, out T result)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (candidate.ToWire() == value)
            {
                result = candidate;
                return true;
            }
        }

        result = default;
        return false;
    }
}
