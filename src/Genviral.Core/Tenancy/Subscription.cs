namespace Genviral.Core.Tenancy;

public enum SubscriptionStatus
{
    Active,
    Canceled,
    PastDue,
}

/// <summary>An owner's plan and analytics credit pool for the current billing period.</summary>
public sealed record Subscription(
    Plan Plan,
    SubscriptionStatus Status,
    string BillingInterval,
    DateTimeOffset CurrentPeriodStart,
    DateTimeOffset CurrentPeriodEnd,
    DateTimeOffset? CanceledAt,
    bool IsPaused,
    DateTimeOffset? PausedUntil,
    int CreditsLimit,
    int CreditsUsed)
{
    public int CreditsRemaining => Math.Max(0, CreditsLimit - CreditsUsed);

    /// <summary>
    /// Whether the owner may use the API at <paramref name="now"/>: an active, unpaused subscription,
    /// or a canceled one whose paid period has not ended yet.
    /// </summary>
    public bool IsInForce(DateTimeOffset now) =>
        (Status == SubscriptionStatus.Active || (Status == SubscriptionStatus.Canceled && now < CurrentPeriodEnd))
        && !(IsPaused && (PausedUntil is null || now < PausedUntil));
}
