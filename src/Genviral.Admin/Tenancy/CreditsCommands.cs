using System.CommandLine;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tenancy;

internal static class CreditsCommands
{
    public static Command Create(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var amount = new Option<int>("--amount") { Description = "Credits to add to the current period's pool.", Required = true };
        amount.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError("--amount must be a positive whole number.");
            }
        });

        var grant = new Command("grant", "Adds analytics credits to a workspace's or user's current period.") { amount };
        owners.AddTo(grant);
        runner.SetAction(grant, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            // Credits belong to a billing period, which only a subscription has.
            var subscription = await context.Get<TenantStore>().GrantCreditsAsync(owner.Scope, context.Parse.GetValue(amount), cancellationToken);
            if (subscription is null)
            {
                return context.Output.Fail($"{owner} has no subscription; run 'plan set' first.");
            }

            var result = SubscriptionOutput.From(owner, subscription);
            return context.Output.Success(result, AdminJson.Output.SubscriptionOutput, result.ToText("Granted credits to"));
        });

        return new Command("credits", "Manage analytics credits.") { grant };
    }
}
