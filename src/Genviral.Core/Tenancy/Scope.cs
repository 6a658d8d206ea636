namespace Genviral.Core.Tenancy;

public enum ScopeKind
{
    Workspace,
    Personal,
}

/// <summary>
/// The data boundary of an API key: one workspace, or one user's personal (workspace-less) data.
/// Its partition key is the partition of every tenant table, so a tenant's reads are single-partition.
/// </summary>
public readonly record struct Scope(ScopeKind Kind, string Id)
{
    public static Scope Workspace(string workspaceId) => new(ScopeKind.Workspace, workspaceId);

    public static Scope Personal(string userId) => new(ScopeKind.Personal, userId);

    public string PartitionKey => Kind == ScopeKind.Workspace ? "ws_" + Id : "user_" + Id;

    /// <summary>The scope name as the API writes it.</summary>
    public string Name => Kind == ScopeKind.Workspace ? "workspace" : "personal";

    public string? WorkspaceId => Kind == ScopeKind.Workspace ? Id : null;

    public override string ToString() => PartitionKey;

    /// <summary>The scope a partition key names; index rows outside the scope's partition carry it as text.</summary>
    public static bool TryParsePartitionKey(string? partitionKey, out Scope scope)
    {
        scope = default;
        if (partitionKey?.StartsWith("ws_", StringComparison.Ordinal) == true && partitionKey.Length > 3)
        {
            scope = Workspace(partitionKey[3..]);
        }
        else if (partitionKey?.StartsWith("user_", StringComparison.Ordinal) == true && partitionKey.Length > 5)
        {
            scope = Personal(partitionKey[5..]);
        }

        return scope.Id is not null;
    }
}
