using System.CommandLine;
using Azure;
using Genviral.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Genviral.Admin;

internal sealed record CommandContext(ParseResult Parse, IServiceProvider Services, AdminOutput Output)
{
    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();
}

/// <summary>
/// Runs command handlers: builds the host only once the command line is valid, and turns configuration and
/// storage failures into an error message and exit code instead of a stack trace.
/// </summary>
internal sealed class CommandRunner(TextWriter stdout, TextWriter stderr, Option<bool> json, IDictionary<string, string?>? configOverrides)
{
    private readonly List<Option<string>> _secretOptions = [];

    /// <summary>Values of these options are blanked out of parse error messages.</summary>
    public void MarkSecret(Option<string> option) => _secretOptions.Add(option);

    public void SetAction(Command command, Func<CommandContext, CancellationToken, Task<int>> handler) =>
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, handler, cancellationToken));

    public int ReportUsageErrors(ParseResult parseResult, IReadOnlyList<string> args)
    {
        // A malformed --json value still means the caller wants JSON, so look for the option, not its value.
        var output = new AdminOutput(stdout, stderr, parseResult.GetResult(json) is { Implicit: false });
        var message = string.Join(" ", parseResult.Errors.Select(e => e.Message).Distinct());
        // The parser quotes offending tokens; longest first, so a secret that contains another is blanked whole.
        foreach (var secret in SecretValues(parseResult, args).Where(v => v.Length > 0).Distinct().OrderByDescending(v => v.Length))
        {
            message = message.Replace($"'{secret}'", "'***'", StringComparison.Ordinal)
                .Replace($"={secret}'", "=***'", StringComparison.Ordinal)
                .Replace($":{secret}'", ":***'", StringComparison.Ordinal);
        }

        return output.Fail(message + " (see --help)", ExitCodes.Usage);
    }

    /// <summary>Values of the secret options, and of unknown options: a typo such as --acess-token may carry a secret too.</summary>
    private IEnumerable<string> SecretValues(ParseResult parseResult, IReadOnlyList<string> args)
    {
        foreach (var option in _secretOptions)
        {
            if (parseResult.GetResult(option) is { } result)
            {
                foreach (var token in result.Tokens)
                {
                    yield return token.Value;
                }
            }
        }

        var unmatched = parseResult.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith('-') || !unmatched.Contains(args[i]))
            {
                continue;
            }

            var separator = args[i].IndexOfAny(['=', ':']);
            if (separator > 0)
            {
                yield return args[i][(separator + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith('-') && unmatched.Contains(args[i + 1]))
            {
                yield return args[i + 1];
            }
        }
    }

    private async Task<int> RunAsync(ParseResult parseResult, Func<CommandContext, CancellationToken, Task<int>> handler, CancellationToken cancellationToken)
    {
        var output = new AdminOutput(stdout, stderr, parseResult.GetValue(json));
        try
        {
            using var host = await AdminHost.StartAsync(configOverrides, cancellationToken);
            return await handler(new CommandContext(parseResult, host.Services, output), cancellationToken);
        }
        catch (OptionsValidationException e)
        {
            return output.Fail("invalid configuration: " + string.Join(" ", e.Failures));
        }
        catch (WriteConflictException)
        {
            return output.Fail("the record kept changing under other writers (Storage:ConflictRetries); nothing was changed, run the command again");
        }
        catch (RequestFailedException e)
        {
            return output.Fail($"storage request failed ({e.Status} {e.ErrorCode}): {FirstLine(e.Message)}");
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is RequestFailedException))
        {
            // The SDK's retry policy wraps each attempt's failure (typically "connection refused" when Azurite is down).
            return output.Fail("storage unreachable: " + FirstLine(e.InnerExceptions[^1].Message));
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
