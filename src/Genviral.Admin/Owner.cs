using System.CommandLine;
using Genviral.Core.Tenancy;

namespace Genviral.Admin;

/// <summary>The scope a command acts on, and the user who owns it (the workspace's owner, or the user).</summary>
internal readonly record struct Owner(Scope Scope, string OwnerUserId)
{
    public override string ToString() => Scope.Kind == ScopeKind.Workspace ? $"workspace {Scope.Id}" : $"user {Scope.Id}";
}

/// <summary>The <c>--workspace ID | --user ID</c> pair: exactly one, naming something that exists.</summary>
internal sealed class OwnerOptions
{
    private readonly Option<string> _workspace = new("--workspace") { Description = "Workspace id (workspace scope)." };
    private readonly Option<string> _user = new("--user") { Description = "User id (personal scope)." };

    public void AddTo(Command command)
    {
        // First in --help: the scope is what every one of these commands is about.
        command.Options.Insert(0, _user);
        command.Options.Insert(0, _workspace);
        command.Validators.Add(result =>
        {
            if ((result.GetResult(_workspace) is null) == (result.GetResult(_user) is null))
            {
                result.AddError("Give exactly one of --workspace or --user.");
            }
        });
    }

    /// <summary>The owner, or null after reporting that the workspace or user does not exist.</summary>
    public async Task<Owner?> ResolveAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var tenants = context.Get<TenantStore>();
        if (context.Parse.GetValue(_workspace) is { } workspaceArg)
        {
            var workspace = Ids.Normalize(workspaceArg) is { } workspaceId ? await tenants.GetWorkspaceAsync(workspaceId, cancellationToken) : null;
            if (workspace is null)
            {
                context.Output.Fail($"workspace '{workspaceArg}' not found.");
                return null;
            }

            return new Owner(Scope.Workspace(workspace.Id), workspace.OwnerUserId);
        }

        var userArg = context.Parse.GetValue(_user);
        var user = Ids.Normalize(userArg) is { } userId ? await tenants.GetUserAsync(userId, cancellationToken) : null;
        if (user is null)
        {
            context.Output.Fail($"user '{userArg}' not found.");
            return null;
        }

        return new Owner(Scope.Personal(user.Id), user.Id);
    }
}
