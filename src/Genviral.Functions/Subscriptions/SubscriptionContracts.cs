using Genviral.Core.Tenancy;

namespace Genviral.Functions.Subscriptions;

internal sealed record SubscriptionData(string Scope, string? WorkspaceId, SubscriptionResponse Subscription);

internal sealed record SubscriptionResponse(
    string Status,
    string Tier,
    string BillingInterval,
    DateTimeOffset CurrentPeriodStart,
    DateTimeOffset CurrentPeriodEnd,
    DateTimeOffset RenewsAt,
    DateTimeOffset? CanceledAt,
    bool IsPaused,
    DateTimeOffset? PausedUntil,
    CreditsResponse Credits);

internal sealed record CreditsResponse(int Limit, int UsedThisPeriod, int Remaining, DateTimeOffset ResetAt);

internal static class SubscriptionContractExtensions
{
    /// <summary>
    /// The tier is the plan name: the public docs' billing-product tiers (small/medium/large) have no meaning
    /// here, and the plan is what decides access.
    /// </summary>
    public static SubscriptionResponse ToResponse(this Subscription s) => new(
        s.Status == SubscriptionStatus.PastDue ? "past_due" : s.Status.ToString().ToLowerInvariant(),
        s.Plan.ToWire(),
        s.BillingInterval,
        s.CurrentPeriodStart,
        s.CurrentPeriodEnd,
        s.CurrentPeriodEnd,
        s.CanceledAt,
        s.IsPaused,
        s.PausedUntil,
        new CreditsResponse(s.CreditsLimit, s.CreditsUsed, s.CreditsRemaining, s.CurrentPeriodEnd));
}
