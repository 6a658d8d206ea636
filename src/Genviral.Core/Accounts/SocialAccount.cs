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

    /// <summary>Parses the lower-case wire name; numbers and unknown names are refused.</summary>
    public static bool TryParseWire<T>(string? value, out T result)
        where T : struct, Enum =>
        Enum.TryParse(value, ignoreCase: true, out result) && Enum.IsDefined(result) && !int.TryParse(value, out _);
}
