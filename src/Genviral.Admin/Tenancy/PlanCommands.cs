using System.CommandLine;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tenancy;

internal static class PlanCommands
{
    public static Command Create(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var plan = new Option<string>("--plan") { Description = "The plan; scheduler is refused by the Partner API.", Required = true };
        plan.AcceptOnlyFromAmong([.. Enum.GetValues<Plan>().Select(p => p.ToWire())]);
        var interval = new Option<string>("--interval") { Description = "Billing interval.", DefaultValueFactory = _ => "month" };
        interval.AcceptOnlyFromAmong("month", "year");

        var set = new Command("set", "Puts a workspace or user on a plan, starting a new billing period now (credits are kept).") { plan, interval };
        owners.AddTo(set);
        runner.SetAction(set, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            _ = Plans.TryParse(context.Parse.GetValue(plan), out var chosen);
            var subscription = await context.Get<TenantStore>().SetPlanAsync(owner.Scope, chosen, context.Parse.GetValue(interval)!, cancellationToken);
            var result = SubscriptionOutput.From(owner, subscription);
            return context.Output.Success(result, AdminJson.Output.SubscriptionOutput, result.ToText("Updated"));
        });

        return new Command("plan", "Manage subscriptions.") { set };
    }
}
