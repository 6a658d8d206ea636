using System.CommandLine;
using System.Globalization;
using System.Text;
using Genviral.Core.Auth;

namespace Genviral.Admin.Keys;

internal static class KeyCommands
{
    private const string DefaultName = "default";

    public static Command Create(CommandRunner runner) =>
        new("key", "Manage Partner API keys.") { Issue(runner), List(runner), Revoke(runner) };

    private static Command Issue(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var name = new Option<string>("--name") { Description = "A label for the key.", DefaultValueFactory = _ => DefaultName };
        var issue = new Command("issue", "Issues an API key for a workspace or a user's personal scope and prints its token once.") { name };
        owners.AddTo(issue);
        runner.SetAction(issue, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            var label = context.Parse.GetValue(name)?.Trim() is { Length: > 0 } n ? n : DefaultName;
            var issued = await context.Get<ApiKeyStore>().IssueAsync(owner.Scope, owner.OwnerUserId, label, cancellationToken);
            var text = $"""
                Issued {issued.Key.Scope.Name} key {issued.Key.PublicId} ('{issued.Key.Name}') for {owner}, owner user {owner.OwnerUserId}.
                Token (shown only now; store it safely):
                {issued.Token}
                """;
            return context.Output.Success(IssuedKeyOutput.From(issued), AdminJson.Output.IssuedKeyOutput, text);
        });
        return issue;
    }

    private static Command List(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var list = new Command("list", "Lists the API keys of a workspace or a user's personal scope (never their secrets).");
        owners.AddTo(list);
        runner.SetAction(list, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            var keys = await context.Get<ApiKeyStore>().ListAsync(owner.Scope, cancellationToken);
            var result = new KeyListOutput(owner.Scope.Name, owner.Scope.WorkspaceId, owner.OwnerUserId, [.. keys.Select(KeyOutput.From)]);
            return context.Output.Success(result, AdminJson.Output.KeyListOutput, ToText(owner, result.Keys));
        });
        return list;
    }

    private static Command Revoke(CommandRunner runner)
    {
        var key = new Option<string>("--key") { Description = "Public id of the key (gva_live_…), not the token.", Required = true };
        key.Validators.Add(result =>
        {
            // The value is not echoed: someone may paste the whole token here by mistake.
            if (!ApiToken.IsPublicId(result.GetValueOrDefault<string>()))
            {
                result.AddError($"--key must be a key's public id ({ApiToken.PublicIdPrefix} followed by 12 lower-case hex digits), not a token.");
            }
        });
        var revoke = new Command("revoke", "Revokes an API key; requests with it fail from then on. Revoking twice keeps the first time.") { key };
        runner.SetAction(revoke, async (context, cancellationToken) =>
        {
            var publicId = context.Parse.GetValue(key)!;
            if (await context.Get<ApiKeyStore>().RevokeAsync(publicId, cancellationToken) is not { } revoked)
            {
                return context.Output.Fail($"API key '{publicId}' not found.");
            }

            return context.Output.Success(
                KeyOutput.From(revoked), AdminJson.Output.KeyOutput,
                string.Create(CultureInfo.InvariantCulture, $"Revoked key {revoked.PublicId} ('{revoked.Name}') at {revoked.RevokedAt:u}."));
        });
        return revoke;
    }

    private static string ToText(Owner owner, IReadOnlyList<KeyOutput> keys)
    {
        if (keys.Count == 0)
        {
            return $"No API keys for {owner}.";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{keys.Count} API key(s) for {owner}:");
        foreach (var k in keys)
        {
            var state = k.RevokedAt is { } revokedAt ? $"revoked {revokedAt:u}" : "active";
            var lastUsed = k.LastUsedAt is { } usedAt ? usedAt.ToString("u", CultureInfo.InvariantCulture) : "never";
            text.AppendLine().Append(CultureInfo.InvariantCulture,
                $"  {k.PublicId}  …{k.SecretSuffix}  '{k.Name}'  {state}  created {k.CreatedAt:u}  last used {lastUsed}");
        }

        return text.ToString();
    }
}
