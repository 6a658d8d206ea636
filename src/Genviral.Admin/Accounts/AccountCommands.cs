using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using Genviral.Core.Accounts;

namespace Genviral.Admin.Accounts;

internal static class AccountCommands
{
    public static Command Create(CommandRunner runner) =>
        new("account", "Manage connected social accounts.") { Add(runner), List(runner), SetStatus(runner) };

    private static Command Add(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var platform = WireOption<Platform>("--platform", "The social platform.");
        var type = WireOption<AccountType>("--type", "byo: the customer's own account, published with its credentials; hosted: run by Genviral.");
        var username = new Option<string>("--username") { Description = "The account's handle.", Required = true };
        username.Validators.Add(result =>
        {
            if (NormalizeUsername(result.GetValueOrDefault<string>()).Length == 0)
            {
                result.AddError("--username must not be empty.");
            }
        });
        var displayName = new Option<string>("--display-name") { Description = "Name shown for the account (defaults to the username)." };
        var accessToken = new Option<string>("--access-token") { Description = "BYO only, required: the platform OAuth access token." };
        var refreshToken = new Option<string>("--refresh-token") { Description = "BYO only: the platform OAuth refresh token." };
        var expiresAt = new Option<DateTimeOffset?>("--expires-at")
        {
            Description = "BYO only: when the access token expires (ISO 8601 with offset).",
            CustomParser = ParseTimestamp,
        };
        var platformUserId = new Option<string>("--platform-user-id") { Description = "BYO only: the account's id on the platform." };
        runner.MarkSecret(accessToken);
        runner.MarkSecret(refreshToken);

        var add = new Command("add", "Connects a social account to a workspace or a user's personal scope.")
        {
            platform, type, username, displayName, accessToken, refreshToken, expiresAt, platformUserId,
        };
        owners.AddTo(add);
        add.Validators.Add(result =>
        {
            Option[] credentialOptions = [accessToken, refreshToken, expiresAt, platformUserId];
            // The raw token: GetValue throws on a value the option itself refuses (its own error reports that one).
            var kind = result.GetResult(type)?.Tokens is [var token, ..] ? token.Value : null;
            if (kind == "byo" && string.IsNullOrWhiteSpace(result.GetValue(accessToken)))
            {
                result.AddError("BYO accounts need --access-token: they are published with their own credentials.");
            }
            else if (kind == "hosted" && credentialOptions.Any(o => result.GetResult(o) is not null))
            {
                result.AddError("Hosted accounts publish with Genviral's credentials: --access-token, --refresh-token, --expires-at and --platform-user-id are refused.");
            }
        });

        runner.SetAction(add, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            var parse = context.Parse;
            var accountType = ParseWire<AccountType>(parse.GetValue(type));
            var credentials = accountType == AccountType.Byo
                ? new PlatformCredentials(parse.GetValue(accessToken)!.Trim(), Blank(parse.GetValue(refreshToken)), parse.GetValue(expiresAt), Blank(parse.GetValue(platformUserId)))
                : null;
            var handle = NormalizeUsername(parse.GetValue(username));
            var account = await context.Get<AccountStore>().AddAsync(
                owner.Scope, ParseWire<Platform>(parse.GetValue(platform)), accountType, handle, Blank(parse.GetValue(displayName)) ?? handle,
                credentials, cancellationToken);
            var text = $"Added {account.Platform.ToWire()} {account.Type.ToWire()} account {account.Id} (@{account.Username}) to {owner}"
                + (credentials is null ? "." : ", with its credentials stored.");
            return context.Output.Success(AccountOutput.From(account), AdminJson.Output.AccountOutput, text);
        });
        return add;
    }

    private static Command List(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var list = new Command("list", "Lists every social account of a workspace or a user's personal scope, in any status.");
        owners.AddTo(list);
        runner.SetAction(list, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            var accounts = await context.Get<AccountStore>().ListAsync(owner.Scope, cancellationToken);
            var result = new AccountListOutput(owner.Scope.Name, owner.Scope.WorkspaceId, owner.OwnerUserId, [.. accounts.Select(AccountOutput.From)]);
            return context.Output.Success(result, AdminJson.Output.AccountListOutput, ToText(owner, result.Accounts));
        });
        return list;
    }

    private static Command SetStatus(CommandRunner runner)
    {
        var owners = new OwnerOptions();
        var account = new Option<string>("--account") { Description = "The account's id.", Required = true };
        var status = WireOption<AccountStatus>("--status", "Only active accounts are listed by the API and published to.");
        var setStatus = new Command("set-status", "Activates, pauses or revokes a social account.") { account, status };
        owners.AddTo(setStatus);
        runner.SetAction(setStatus, async (context, cancellationToken) =>
        {
            if (await owners.ResolveAsync(context, cancellationToken) is not { } owner)
            {
                return ExitCodes.Failed;
            }

            var accountArg = context.Parse.GetValue(account);
            // An account of another scope is reported exactly like one that does not exist.
            var updated = Ids.Normalize(accountArg) is { } accountId
                ? await context.Get<AccountStore>().SetStatusAsync(owner.Scope, accountId, ParseWire<AccountStatus>(context.Parse.GetValue(status)), cancellationToken)
                : null;
            if (updated is null)
            {
                return context.Output.Fail($"account '{accountArg}' not found in {owner}.");
            }

            return context.Output.Success(
                AccountOutput.From(updated), AdminJson.Output.AccountOutput,
                $"Account {updated.Id} (@{updated.Username}) is now {updated.Status.ToWire()}.");
        });
        return setStatus;
    }

    /// <summary>A required option restricted to the enum's wire names (the parser then guarantees they parse).</summary>
    private static Option<string> WireOption<T>(string name, string description)
        where T : struct, Enum
    {
        var option = new Option<string>(name) { Description = description, Required = true };
        option.AcceptOnlyFromAmong([.. Enum.GetValues<T>().Select(v => v.ToWire())]);
        return option;
    }

    private static T ParseWire<T>(string? value)
        where T : struct, Enum =>
        AccountEnums.TryParseWire<T>(value, out var result) ? result : throw new InvalidOperationException($"'{value}' passed validation but is not a {typeof(T).Name}.");

    private static string NormalizeUsername(string? value) => (value ?? "").Trim().TrimStart('@');

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Like the API, a time without an offset is refused rather than guessed to be local or UTC.</summary>
    private static DateTimeOffset? ParseTimestamp(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            && parsed.Kind != DateTimeKind.Unspecified
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return value.ToUniversalTime();
        }

        result.AddError("--expires-at must be an ISO 8601 time with an offset, such as 2026-01-31T12:00:00Z.");
        return null;
    }

    private static string ToText(Owner owner, IReadOnlyList<AccountOutput> accounts)
    {
        if (accounts.Count == 0)
        {
            return $"No social accounts for {owner}.";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{accounts.Count} social account(s) for {owner}:");
        foreach (var a in accounts)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture,
                $"  {a.Id}  {a.Platform,-9}  {a.Type,-6}  {a.Status,-7}  @{a.Username} ('{a.DisplayName}')");
        }

        return text.ToString();
    }
}
