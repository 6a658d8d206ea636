using Genviral.Core.Tenancy;

namespace Genviral.Core.Tests.Tenancy;

public sealed class SubscriptionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static Subscription Make(SubscriptionStatus status, DateTimeOffset end, bool paused = false, DateTimeOffset? pausedUntil = null) =>
        new(Plan.Business, status, "month", end.AddMonths(-1), end, null, paused, pausedUntil, 10, 3);

    [Fact]
    public void IsInForce_ActiveSubscription_IsTrue() => Assert.True(Make(SubscriptionStatus.Active, Now.AddDays(3)).IsInForce(Now));

    [Fact]
    public void IsInForce_CanceledButPeriodRunning_IsTrue() => Assert.True(Make(SubscriptionStatus.Canceled, Now.AddDays(1)).IsInForce(Now));

    [Fact]
    public void IsInForce_CanceledAndPeriodOver_IsFalse() => Assert.False(Make(SubscriptionStatus.Canceled, Now.AddSeconds(-1)).IsInForce(Now));

    [Fact]
    public void IsInForce_PastDue_IsFalse() => Assert.False(Make(SubscriptionStatus.PastDue, Now.AddDays(3)).IsInForce(Now));

    [Fact]
    public void IsInForce_PausedUntilLater_IsFalseThenTrueAfter()
    {
        var paused = Make(SubscriptionStatus.Active, Now.AddDays(20), paused: true, pausedUntil: Now.AddDays(2));

        Assert.False(paused.IsInForce(Now));
        Assert.True(paused.IsInForce(Now.AddDays(3)));
    }

    [Fact]
    public void CreditsRemaining_NeverNegative() =>
        Assert.Equal(0, (Make(SubscriptionStatus.Active, Now) with { CreditsLimit = 2, CreditsUsed = 5 }).CreditsRemaining);

    [Theory]
    [InlineData("business", true)]
    [InlineData("creator", true)]
    [InlineData("Creator", false)]
    [InlineData("1", false)]
    [InlineData("enterprise", false)]
    [InlineData("", false)]
    public void TryParse_PlanNames(string value, bool expected) => Assert.Equal(expected, Plans.TryParse(value, out _));

    [Fact]
    public void Scope_PartitionKeys_SeparateWorkspaceAndPersonalData()
    {
        var id = Guid.NewGuid().ToString();

        Assert.Equal("ws_" + id, Scope.Workspace(id).PartitionKey);
        Assert.Equal("user_" + id, Scope.Personal(id).PartitionKey);
        Assert.Null(Scope.Personal(id).WorkspaceId);
        Assert.Equal(id, Scope.Workspace(id).WorkspaceId);
    }
}
