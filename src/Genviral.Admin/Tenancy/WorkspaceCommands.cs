using System.CommandLine;
using Genviral.Core.Tenancy;

namespace Genviral.Admin.Tenancy;

internal static class WorkspaceCommands
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Option<string>("--name") { Description = "The workspace's name.", Required = true };
        name.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--name must not be empty.");
            }
        });
        var owner = new Option<string>("--owner") { Description = "Id of the user who owns the workspace.", Required = true };

        var create = new Command("create", "Creates a workspace owned by an existing user and prints its id.") { name, owner };
        runner.SetAction(create, async (context, cancellationToken) =>
        {
            var tenants = context.Get<TenantStore>();
            var ownerArg = context.Parse.GetValue(owner);
            var user = Ids.Normalize(ownerArg) is { } userId ? await tenants.GetUserAsync(userId, cancellationToken) : null;
            if (user is null)
            {
                return context.Output.Fail($"user '{ownerArg}' not found.");
            }

            var workspace = await tenants.CreateWorkspaceAsync(context.Parse.GetValue(name)!.Trim(), user.Id, cancellationToken);
            return context.Output.Success(
                WorkspaceOutput.From(workspace), AdminJson.Output.WorkspaceOutput,
                $"Created workspace {workspace.Id} ('{workspace.Name}', owner {workspace.OwnerUserId}).");
        });

        return new Command("workspace", "Manage workspaces.") { create };
    }
}
