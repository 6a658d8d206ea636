using System.CommandLine;
using Genviral.Admin.Accounts;
using Genviral.Admin.Keys;
using Genviral.Admin.Tenancy;
using Genviral.Admin.Webhooks;

namespace Genviral.Admin;

/// <summary>
/// The admin CLI: users, workspaces, plans, credits, API keys and social accounts. Everything is built per call
/// (System.CommandLine symbols are mutable), so tests can run it in-process and in parallel.
/// </summary>
internal static class AdminCli
{
    public static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, IDictionary<string, string?>? configOverrides = null,
        CancellationToken cancellationToken = default)
    {
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object (snake_case keys) on stdout and nothing else.",
            Recursive = true,
        };
        var runner = new CommandRunner(stdout, stderr, json, configOverrides);
        var root = new RootCommand("Genviral admin: manages users, workspaces, plans, credits, API keys and social accounts, and inspects webhooks.")
        {
            UserCommands.Create(runner),
            WorkspaceCommands.Create(runner),
            PlanCommands.Create(runner),
            CreditsCommands.Create(runner),
            KeyCommands.Create(runner),
            AccountCommands.Create(runner),
            WebhookCommands.Create(runner),
        };
        root.Options.Add(json);

        // No response files: an argument such as "@creator" is a handle, not a file to expand.
        var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Parse errors are reported by us rather than by System.CommandLine, so they honour --json and exit code 2,
        // and never echo a secret. Help and version clear parse errors and run normally.
        if (parseResult.Errors.Count > 0 && parseResult.Action is not { ClearsParseErrors: true })
        {
            return runner.ReportUsageErrors(parseResult, args);
        }

        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
    }
}
