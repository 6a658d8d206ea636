using System.CommandLine;
using System.Globalization;
using System.Text;
using Genviral.Core.Webhooks;

namespace Genviral.Admin.Webhooks;

internal static class WebhookCommands
{
    private const string DefaultReason = "disabled by an operator";

    public static Command Create(CommandRunner runner) =>
        new("webhook", "Inspect and stop partners' webhooks.") { List(runner), Disable(runner) };

    private static Command List(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var list = new Command("list", "Lists the webhooks of a workspace or a user's personal scope, with their failure record (never their secrets).");
        owners.AddTo(list);
        runner.SetAction(list, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            var webhooks = await context.Get<WebhookStore>().ListAsync(owner.Scope, cancellationToken);
            var result = new WebhookListOutput(owner.Scope.Name, owner.Scope.WorkspaceId, owner.OwnerUserId, [.. webhooks.Select(w => WebhookOutput.From(w.Webhook))]);
            return context.Output.Success(result, AdminJson.Output.WebhookListOutput, ToText(owner, result.Webhooks));
        });
        return list;
    }

    private static Command Disable(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var webhook = new Option<string>("--webhook") { Description = "The webhook's id.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Shown to the partner as disabled_reason.", DefaultValueFactory = _ => DefaultReason };
        var disable = new Command("disable", "Stops sending events to a webhook at once; the partner sees the reason and can enable it again.") { webhook, reason };
        owners.AddTo(disable);
        runner.SetAction(disable, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            var id = context.Parse.GetValue(webhook);
            var because = context.Parse.GetValue(reason)?.Trim() is { Length: > 0 } r ? r : DefaultReason;
            var now = context.Get<TimeProvider>().GetUtcNow();
            // Disabling a disabled webhook keeps its first reason; a webhook of another scope is reported as not found.
            var write = Ids.Normalize(id) is { } webhookId
                ? await context.Get<WebhookStore>().ChangeAsync(owner.Scope, webhookId, w => w.Status == WebhookStatus.Disabled ? null : w.Disabled(because, now), null, cancellationToken)
                : null;
            if (write?.Webhook is not { } stored)
            {
                return context.Output.Fail($"webhook '{id}' not found in {owner}.");
            }

            return context.Output.Success(WebhookOutput.From(stored.Webhook), AdminJson.Output.WebhookOutput,
                $"Webhook {stored.Webhook.Id} ({stored.Webhook.Url}) is disabled: {stored.Webhook.DisabledReason}.");
        });
        return disable;
    }

    private static string ToText(Owner owner, IReadOnlyList<WebhookOutput> webhooks)
    {
        if (webhooks.Count == 0)
        {
            return $"No webhooks for {owner}.";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{webhooks.Count} webhook(s) for {owner}:");
        foreach (var w in webhooks)
        {
            var state = w.Status == "disabled" ? $"disabled ({w.DisabledReason})" : $"active, {w.ConsecutiveFailures} failure(s) in a row";
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {w.Id}  {w.Url}  [{string.Join(' ', w.Events)}]  {state}");
        }

        return text.ToString();
    }
}
