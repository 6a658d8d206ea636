using Azure;
using Azure.Data.Tables;

namespace Genviral.Core.Tenancy;

// Rows of the tenants table. Every row of a scope shares its partition (Scope.PartitionKey), so the
// profile, the subscription and the key index of one owner are read with point reads in one partition.

internal sealed class WorkspaceEntity : ITableEntity
{
    public const string Row = "profile";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string OwnerUserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public Workspace ToWorkspace() => new(Id, Name, OwnerUserId, CreatedAt);

    public static WorkspaceEntity From(Workspace w) => new()
    {
        PartitionKey = Scope.Workspace(w.Id).PartitionKey,
        Id = w.Id,
        Name = w.Name,
        OwnerUserId = w.OwnerUserId,
        CreatedAt = w.CreatedAt,
    };
}

internal sealed class UserEntity : ITableEntity
{
    public const string Row = "profile";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    public string? Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public User ToUser() => new(Id, Email, Name, CreatedAt);

    public static UserEntity From(User u) => new()
    {
        PartitionKey = Scope.Personal(u.Id).PartitionKey,
        Id = u.Id,
        Email = u.Email,
        Name = u.Name,
        CreatedAt = u.CreatedAt,
    };
}

internal sealed class SubscriptionEntity : ITableEntity
{
    public const string Row = "subscription";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Plan { get; set; } = "";
    public string Status { get; set; } = "";
    public string BillingInterval { get; set; } = "month";
    public DateTimeOffset CurrentPeriodStart { get; set; }
    public DateTimeOffset CurrentPeriodEnd { get; set; }
    public DateTimeOffset? CanceledAt { get; set; }
    public bool IsPaused { get; set; }
    public DateTimeOffset? PausedUntil { get; set; }
    public int CreditsLimit { get; set; }
    public int CreditsUsed { get; set; }

    public Subscription ToSubscription() => new(
        Enum.Parse<Plan>(Plan, ignoreCase: true),
        Enum.Parse<SubscriptionStatus>(Status, ignoreCase: true),
        BillingInterval,
        CurrentPeriodStart,
        CurrentPeriodEnd,
        CanceledAt,
        IsPaused,
        PausedUntil,
        CreditsLimit,
        CreditsUsed);

    public static SubscriptionEntity From(Scope scope, Subscription s) => new()
    {
        PartitionKey = scope.PartitionKey,
        Plan = s.Plan.ToString(),
        Status = s.Status.ToString(),
        BillingInterval = s.BillingInterval,
        CurrentPeriodStart = s.CurrentPeriodStart,
        CurrentPeriodEnd = s.CurrentPeriodEnd,
        CanceledAt = s.CanceledAt,
        IsPaused = s.IsPaused,
        PausedUntil = s.PausedUntil,
        CreditsLimit = s.CreditsLimit,
        CreditsUsed = s.CreditsUsed,
    };
}
