using System.CommandLine;
using System.Net.Mail;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tenancy;

internal static class UserCommands
{
    public static Command Create(CommandRunner runner)
    {
        var email = new Option<string>("--email") { Description = "The user's email address.", Required = true };
        email.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>()?.Trim();
            if (!MailAddress.TryCreate(value, out var address) || address.Address != value)
            {
                result.AddError("--email must be a plain email address.");
            }
        });
        var name = new Option<string>("--name") { Description = "The user's display name." };

        var create = new Command("create", "Creates a user and prints its id.") { email, name };
        runner.SetAction(create, async (context, cancellationToken) =>
        {
            var displayName = context.Parse.GetValue(name)?.Trim();
            var user = await context.Get<TenantStore>().CreateUserAsync(
                context.Parse.GetValue(email)!.Trim(), string.IsNullOrEmpty(displayName) ? null : displayName, cancellationToken);
            return context.Output.Success(UserOutput.From(user), AdminJson.Output.UserOutput, $"Created user {user.Id} ({user.Email}).");
        });

        return new Command("user", "Manage users.") { create };
    }
}
