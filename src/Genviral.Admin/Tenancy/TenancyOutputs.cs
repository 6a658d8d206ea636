using System.Globalization;
using System.Text.Json;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tenancy;

internal sealed record UserOutput(string Id, string Email, string? Name, DateTimeOffset CreatedAt)
{
    public static UserOutput From(User u) => new(u.Id, u.Email, u.Name, u.CreatedAt);
}

internal sealed record WorkspaceOutput(string Id, string Name, string OwnerUserId, DateTimeOffset CreatedAt)
{
    public static WorkspaceOutput From(Workspace w) => new(w.Id, w.Name, w.OwnerUserId, w.CreatedAt);
}

/// <summary>Mirrors the data of <c>GET /subscription</c>, so one parser reads both.</summary>
internal sealed record SubscriptionOutput(string Scope, string? WorkspaceId, string OwnerUserId, SubscriptionDetails Subscription)
{
    public static SubscriptionOutput From(Owner owner, Subscription s) => new(
        owner.Scope.Name,
        owner.Scope.WorkspaceId,
        owner.OwnerUserId,
        new SubscriptionDetails(
            JsonNamingPolicy.SnakeCaseLower.ConvertName(s.Status.ToString()),
            s.Plan.ToWire(),
            s.BillingInterval,
            s.CurrentPeriodStart,
            s.CurrentPeriodEnd,
            new CreditsOutput(s.CreditsLimit, s.CreditsUsed, s.CreditsRemaining)));

    public string ToText(string verb) => string.Create(CultureInfo.InvariantCulture,
        $"{verb} {(Scope == "workspace" ? "workspace " + WorkspaceId : "user " + OwnerUserId)}: plan {Subscription.Tier} " +
        $"({Subscription.Status}, billed per {Subscription.BillingInterval}, period ends {Subscription.CurrentPeriodEnd:yyyy-MM-dd}), " +
        $"credits {Subscription.Credits.Remaining} of {Subscription.Credits.Limit} remaining.");
}

internal sealed record SubscriptionDetails(
    string Status, string Tier, string BillingInterval, DateTimeOffset CurrentPeriodStart, DateTimeOffset CurrentPeriodEnd, CreditsOutput Credits);

internal sealed record CreditsOutput(int Limit, int UsedThisPeriod, int Remaining);
