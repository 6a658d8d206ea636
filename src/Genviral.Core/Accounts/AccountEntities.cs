using Azure;
using Azure.Data.Tables;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Accounts;

/// <summary>Accounts table row: PartitionKey = scope partition, RowKey = account id.</summary>
internal sealed class SocialAccountEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Platform { get; set; } = "";
    public string Type { get; set; } = "";
    public string Username { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Status { get; set; } = "";
    public string? WorkspaceId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public SocialAccount ToAccount() => new(
        RowKey,
        Enum.Parse<Platform>(Platform, ignoreCase: true),
        Enum.Parse<AccountType>(Type, ignoreCase: true),
        Username,
        DisplayName,
        Enum.Parse<AccountStatus>(Status, ignoreCase: true),
        WorkspaceId,
        CreatedAt);

    public static SocialAccountEntity From(Scope scope, SocialAccount a) => new()
    {
        PartitionKey = scope.PartitionKey,
        RowKey = a.Id,
        Platform = a.Platform.ToWire(),
        Type = a.Type.ToWire(),
        Username = a.Username,
        DisplayName = a.DisplayName,
        Status = a.Status.ToWire(),
        WorkspaceId = a.WorkspaceId,
        CreatedAt = a.CreatedAt,
    };
}

/// <summary>Account credentials row: same keys as the account row, in its own table.</summary>
internal sealed class CredentialsEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AccessToken { get; set; } = "";
    public string? RefreshToken { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public string? PlatformUserId { get; set; }

    public PlatformCredentials ToCredentials() => new(AccessToken, RefreshToken, ExpiresAt, PlatformUserId);
}
