using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Auth;

/// <summary>
/// apikeys table row: PartitionKey = public id, RowKey empty. Authentication knows only the token, so the
/// key must be one point read away from its public id; the owner's key list lives in the tenants table.
/// </summary>
internal sealed class ApiKeyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public string SecretSuffix { get; set; } = "";
    public string ScopeKind { get; set; } = "";
    public string ScopeId { get; set; } = "";
    public string OwnerUserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    // Computed, not stored: the Tables SDK would otherwise try (and fail) to serialize the Scope struct.
    [IgnoreDataMember]
    public Scope Scope => new(Enum.Parse<ScopeKind>(ScopeKind), ScopeId);

    public ApiKey ToApiKey() => new(PartitionKey, Name, Scope, OwnerUserId, SecretSuffix, CreatedAt, LastUsedAt, RevokedAt);
}

/// <summary>tenants table row <c>key|&lt;public id&gt;</c>: lists an owner's keys without scanning the apikeys table.</summary>
internal sealed class ApiKeyIndexEntity : ITableEntity
{
    public const string RowPrefix = "key|";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string PublicId => RowKey[RowPrefix.Length..];
}
