using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Genviral.Admin;

/// <summary>
/// Where a command's result goes. With --json, stdout carries exactly one JSON object (the result, or
/// <c>{"error": …}</c>) so scripts can parse it whole; human messages and errors always go to stderr or plain stdout.
/// </summary>
internal sealed class AdminOutput(TextWriter stdout, TextWriter stderr, bool json)
{
    public int Success<T>(T value, JsonTypeInfo<T> typeInfo, string text)
    {
        stdout.WriteLine(json ? JsonSerializer.Serialize(value, typeInfo) : text);
        return ExitCodes.Success;
    }

    public int Fail(string message, int exitCode = ExitCodes.Failed)
    {
        stderr.WriteLine("error: " + message);
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new ErrorOutput(message), AdminJson.Output.ErrorOutput));
        }

        return exitCode;
    }
}
