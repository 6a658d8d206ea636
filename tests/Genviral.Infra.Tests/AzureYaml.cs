using Genviral.Testing;

namespace Genviral.Infra.Tests;

/// <summary>
/// Just enough of azure.yaml for the contract tests, from the text (the tests carry no YAML library): each service under
/// <c>services:</c> with its direct properties. Comments are dropped; a property with nested content (e.g. <c>hooks:</c>)
/// is listed with an empty value.
/// </summary>
internal static class AzureYaml
{
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Services()
    {
        var lines = Lines();
        var start = lines.FindIndex(l => l.Indent == 0 && l.Text == "services:");
        if (start < 0)
        {
            throw new InvalidOperationException("azure.yaml has no top-level 'services:'.");
        }

        var services = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? service = null;
        int? serviceIndent = null;
        int? propertyIndent = null;
        for (var i = start + 1; i < lines.Count && lines[i].Indent > 0; i++)
        {
            var (indent, text) = lines[i];
            serviceIndent ??= indent;
            if (indent == serviceIndent)
            {
                service = new Dictionary<string, string>(StringComparer.Ordinal);
                services.Add(Split(text).Key, service);
                propertyIndent = null;
            }
            else if (indent == (propertyIndent ??= indent))
            {
                var (key, value) = Split(text);
                service!.Add(key, value);
            }
        }

        return services;
    }

    private static (string Key, string Value) Split(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? throw new InvalidOperationException($"azure.yaml: expected 'key: value', got '{text}'.")
            : (text[..colon].Trim(), text[(colon + 1)..].Trim().Trim('"', '\''));
    }

    /// <summary>Non-blank lines without comments, with their indentation.</summary>
    private static List<(int Indent, string Text)> Lines() =>
        [.. Repo.Read("azure.yaml").Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Select(line => (Indent: line.Length - line.TrimStart(' ').Length, Text: WithoutComment(line).Trim()))
            .Where(l => l.Text.Length > 0)];

    private static string WithoutComment(string line)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? line : line[..hash];
    }
}
