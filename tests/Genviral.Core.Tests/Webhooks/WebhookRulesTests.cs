using Genviral.Core.Media;
using Genviral.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Webhooks;

/// <summary>Signing against the Standard Webhooks test vector, the failure rules that disable a webhook, and the URL rules.</summary>
public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Sign_SpecificationExample_GivesItsSignature()
    {
        var key = WebhookSignature.KeyOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        var signature = WebhookSignature.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", DateTimeOffset.FromUnixTimeSeconds(1614265330), """{"test": 2432232314}""", [key]);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Sign_TwoKeys_GivesOneSignaturePerKeyInOrder()
    {
        var first = WebhookSignature.KeyOf(WebhookSignature.NewSecret());
        var second = WebhookSignature.KeyOf(WebhookSignature.NewSecret());

        var both = WebhookSignature.Sign("evt_1", Now, "{}", [first, second]);

        Assert.Equal(WebhookSignature.Sign("evt_1", Now, "{}", [first]) + " " + WebhookSignature.Sign("evt_1", Now, "{}", [second]), both);
    }

    [Fact]
    public void NewSecret_IsWhsecAndBase64Of32RandomBytes()
    {
        var secrets = Enumerable.Range(0, 5).Select(_ => WebhookSignature.NewSecret()).ToList();

        Assert.All(secrets, s => Assert.Equal(32, WebhookSignature.KeyOf(s).Length));
        Assert.All(secrets, s => Assert.StartsWith("whsec_", s, StringComparison.Ordinal));
        Assert.Equal(5, secrets.Distinct().Count());
    }

    [Fact]
    public void AfterFailure_49th_CountsButKeepsItActive()
    {
        var hook = Hook() with { ConsecutiveFailures = 48, FailingSince = Now.AddHours(-1) };

        var after = WebhookDeliveries.AfterFailure(hook, new AttemptResult(500, "HTTP 500"), Now);

        Assert.Equal(WebhookStatus.Active, after.Status);
        Assert.Equal(49, after.ConsecutiveFailures);
        Assert.Equal(Now.AddHours(-1), after.FailingSince);
    }

    [Fact]
    public void AfterFailure_50th_DisablesWithTheReason()
    {
        var hook = Hook() with { ConsecutiveFailures = 49, FailingSince = Now.AddHours(-1) };

        var after = WebhookDeliveries.AfterFailure(hook, new AttemptResult(null, "timeout: no answer within 10 s"), Now);

        Assert.Equal(WebhookStatus.Disabled, after.Status);
        Assert.Equal("50 delivery attempts in a row failed (the last: timeout: no answer within 10 s)", after.DisabledReason);
        Assert.Equal(Now, after.DisabledAt);
    }

    [Fact]
    public void AfterFailure_ThreeDaysAfterTheFirstFailure_Disables()
    {
        var hook = Hook() with { ConsecutiveFailures = 3, FailingSince = Now.AddDays(-3) };

        var after = WebhookDeliveries.AfterFailure(hook, new AttemptResult(502, "HTTP 502"), Now);

        Assert.Equal(WebhookStatus.Disabled, after.Status);
        Assert.StartsWith("deliveries have failed since 2026-11-28T12:00:00Z", after.DisabledReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterFailure_FirstFailure_StartsTheClock()
    {
        var after = WebhookDeliveries.AfterFailure(Hook(), new AttemptResult(500, "HTTP 500"), Now);

        Assert.Equal(1, after.ConsecutiveFailures);
        Assert.Equal(Now, after.FailingSince);
        Assert.Equal(WebhookStatus.Active, after.Status);
    }

    [Fact]
    public void AfterFailure_Gone_DisablesAtOnce()
    {
        var after = WebhookDeliveries.AfterFailure(Hook(), new AttemptResult(410, "HTTP 410"), Now);

        Assert.Equal(WebhookStatus.Disabled, after.Status);
        Assert.Equal("the receiver answered 410 Gone", after.DisabledReason);
    }

    [Fact]
    public void Enabled_ClearsTheReasonAndTheFailureRecord()
    {
        var disabled = WebhookDeliveries.AfterFailure(Hook() with { ConsecutiveFailures = 49 }, new AttemptResult(500, "HTTP 500"), Now);

        var enabled = disabled.Enabled(Now.AddHours(1));

        Assert.Equal(WebhookStatus.Active, enabled.Status);
        Assert.Null(enabled.DisabledReason);
        Assert.Null(enabled.DisabledAt);
        Assert.Equal(0, enabled.ConsecutiveFailures);
        Assert.Null(enabled.FailingSince);
    }

    [Theory]
    [InlineData("https://hooks.example.com/x", null)]
    [InlineData("http://hooks.example.com/x", "url must use https")]
    [InlineData("http://127.0.0.1:7000/x", null)]
    [InlineData("https://127.0.0.1:7000/x", null)]
    [InlineData("http://127.0.0.1:7001/x", "url must use https")]
    [InlineData("https://127.0.0.1:7001/x", "url host must not be a private, loopback, link-local or otherwise non-public address")]
    [InlineData("https://[64:ff9b::a00:1]/x", "url host must not be a private, loopback, link-local or otherwise non-public address")]
    [InlineData("https://100.64.0.1/x", "url host must not be a private, loopback, link-local or otherwise non-public address")]
    [InlineData("wss://hooks.example.com/x", "url must be an absolute https URL")]
    [InlineData("/relative", "url must be an absolute https URL")]
    public void Check_Url_FollowsTheMediaAddressRulesAndAllowList(string url, string? problem)
    {
        var rules = new WebhookUrlRules(new MediaAddressRule(Options.Create(new MediaOptions { AllowedPrivateHosts = "127.0.0.1:7000" })));

        Assert.Equal(problem, rules.Check(url));
    }

    [Fact]
    public async Task CheckAsync_NameResolvingToLoopback_IsRefused()
    {
        var rules = new WebhookUrlRules(new MediaAddressRule(Options.Create(new MediaOptions())));

        var problem = await rules.CheckAsync("https://localhost/hook", TestContext.Current.CancellationToken);

        Assert.StartsWith("url host localhost resolves to ", problem, StringComparison.Ordinal);
    }

    private static Webhook Hook() =>
        new("3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b", "https://hooks.example.com/x", ["*"], null, WebhookStatus.Active, null, null, 0, null, Now.AddDays(-10), Now.AddDays(-10));
}
