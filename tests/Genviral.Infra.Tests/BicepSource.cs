using System.Text;
using System.Text.RegularExpressions;
using Genviral.Testing;

namespace Genviral.Infra.Tests;

/// <summary>
/// Just enough Bicep reading for the contract tests, from the text (so the tests need no Bicep CLI): comments are
/// dropped, then <c>appSettings: [ { name: '…' value: … } ]</c> blocks, <c>var x = [ '…' ]</c> arrays, the properties of
/// a named object (<c>runtime: { … }</c>) and single string properties are read.
/// String literals are respected, so brackets or <c>//</c> inside '…' (URLs, interpolations) do not confuse it.
/// </summary>
internal sealed partial class BicepSource
{
    private readonly List<(string File, string Code)> _files;

    private BicepSource(List<(string File, string Code)> files) => _files = files;

    /// <summary>Every .bicep file under infra/, comments removed.</summary>
    public static BicepSource LoadInfra()
    {
        var files = Directory.EnumerateFiles(Repo.PathOf("infra"), "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(Repo.Root, path), StripComments(File.ReadAllText(path))))
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException("No .bicep files under infra/.");
        }

        return new BicepSource(files);
    }

    /// <summary>All app settings in any <c>appSettings: [ … ]</c> block, in file order (duplicates kept).</summary>
    public IReadOnlyList<AppSetting> AppSettings()
    {
        var settings = new List<AppSetting>();
        foreach (var (file, code) in _files)
        {
            foreach (Match start in AppSettingsStart().Matches(code))
            {
                var block = Enclosed(code, start.Index + start.Length - 1, '[', ']');
                foreach (var item in TopLevelObjects(block))
                {
                    var name = NameProperty().Match(item);
                    var value = ValueProperty().Match(item);
                    if (!name.Success)
                    {
                        throw new InvalidOperationException($"{file}: app setting without a literal name: {item}");
                    }

                    settings.Add(new AppSetting(name.Groups["v"].Value, value.Success ? Literal(value.Groups["v"].Value.Trim()) : null, file));
                }
            }
        }

        return settings;
    }

    /// <summary>The string literals of <c>var <paramref name="variable"/> = [ … ]</c> in the given file.</summary>
    public IReadOnlyList<string> StringArray(string relativeFile, string variable)
    {
        var code = Code(relativeFile);
        var start = Regex.Match(code, $@"\bvar\s+{Regex.Escape(variable)}\s*=\s*\[");
        if (!start.Success)
        {
            throw new InvalidOperationException($"{relativeFile} declares no array variable '{variable}'.");
        }

        var block = Enclosed(code, start.Index + start.Length - 1, '[', ']');
        return [.. StringLiteral().Matches(block).Select(m => Unescape(m.Groups["v"].Value))];
    }

    /// <summary>
    /// The direct properties of the one <c><paramref name="property"/>: { … }</c> object in the given file, each with its
    /// literal value (null for an expression). Properties of nested objects and arrays are not included.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ObjectProperties(string relativeFile, string property)
    {
        var code = Code(relativeFile);
        var starts = Regex.Matches(code, $@"(?<![\w.']){Regex.Escape(property)}\s*:\s*\{{");
        if (starts.Count != 1)
        {
            throw new InvalidOperationException($"{relativeFile} has {starts.Count} '{property}: {{ … }}' objects; expected exactly one.");
        }

        var body = WithoutNestedBlocks(Enclosed(code, starts[0].Index + starts[0].Length - 1, '{', '}'));
        return PropertyAssignment().Matches(body).ToDictionary(m => m.Groups["k"].Value.Trim('\''), m => Literal(m.Groups["v"].Value.Trim()), StringComparer.Ordinal);
    }

    /// <summary>The literal values of every <c><paramref name="key"/>: '…'</c> property (key quoted or not) in the given file.</summary>
    public IReadOnlyList<string> StringProperties(string relativeFile, string key) =>
        [.. Regex.Matches(Code(relativeFile), $@"(?<![\w.])'?{Regex.Escape(key)}'?\s*:\s*'(?<v>(?:[^'\\]|\\.)*)'")
            .Select(m => Unescape(m.Groups["v"].Value))];

    private string Code(string relativeFile)
    {
        var matches = _files.Where(f => f.File.Replace('\\', '/') == relativeFile).ToList();
        return matches.Count == 1 ? matches[0].Code : throw new InvalidOperationException($"No Bicep file {relativeFile} under infra/.");
    }

    /// <summary>The text with the contents of nested <c>{ … }</c> and <c>[ … ]</c> blocks removed, string literals kept.</summary>
    private static string WithoutNestedBlocks(string code)
    {
        var result = new StringBuilder(code.Length);
        for (var i = 0; i < code.Length; i++)
        {
            if (code[i] == '\'')
            {
                var end = EndOfString(code, i);
                result.Append(code, i, end - i + 1);
                i = end;
            }
            else if (code[i] is '{' or '[')
            {
                var closing = code[i] == '{' ? '}' : ']';
                i += Enclosed(code, i, code[i], closing).Length + 1;
                result.Append(' ');
            }
            else
            {
                result.Append(code[i]);
            }
        }

        return result.ToString();
    }

    /// <summary>The value of a plain '…' literal without interpolation; null for any other expression.</summary>
    private static string? Literal(string expression)
    {
        var m = WholeStringLiteral().Match(expression);
        return m.Success && !m.Groups["v"].Value.Contains("${", StringComparison.Ordinal) ? Unescape(m.Groups["v"].Value) : null;
    }

    private static string Unescape(string raw) => raw.Replace(@"\'", "'", StringComparison.Ordinal).Replace(@"\\", @"\", StringComparison.Ordinal);

    /// <summary>The text between the bracket at <paramref name="open"/> and its partner, skipping string literals.</summary>
    private static string Enclosed(string code, int open, char opening, char closing)
    {
        var depth = 0;
        for (var i = open; i < code.Length; i++)
        {
            if (code[i] == '\'')
            {
                i = EndOfString(code, i);
            }
            else if (code[i] == opening)
            {
                depth++;
            }
            else if (code[i] == closing && --depth == 0)
            {
                return code[(open + 1)..i];
            }
        }

        throw new InvalidOperationException($"Unbalanced '{opening}' at offset {open}.");
    }

    private static IEnumerable<string> TopLevelObjects(string block)
    {
        for (var i = 0; i < block.Length; i++)
        {
            if (block[i] == '\'')
            {
                i = EndOfString(block, i);
            }
            else if (block[i] == '{')
            {
                var body = Enclosed(block, i, '{', '}');
                yield return body;
                i += body.Length + 1;
            }
        }
    }

    /// <summary>Index of the quote that closes the string literal opening at <paramref name="start"/>.</summary>
    private static int EndOfString(string code, int start)
    {
        if (string.CompareOrdinal(code, start, "'''", 0, 3) == 0)
        {
            var end = code.IndexOf("'''", start + 3, StringComparison.Ordinal);
            return end < 0 ? code.Length - 1 : end + 2;
        }

        for (var i = start + 1; i < code.Length; i++)
        {
            if (code[i] == '\\')
            {
                i++;
            }
            else if (code[i] == '\'')
            {
                return i;
            }
        }

        return code.Length - 1;
    }

    private static string StripComments(string code)
    {
        var result = new StringBuilder(code.Length);
        for (var i = 0; i < code.Length; i++)
        {
            if (code[i] == '\'')
            {
                var end = EndOfString(code, i);
                result.Append(code, i, end - i + 1);
                i = end;
            }
            else if (code[i] == '/' && i + 1 < code.Length && code[i + 1] == '/')
            {
                while (i < code.Length && code[i] != '\n')
                {
                    i++;
                }

                result.Append('\n');
            }
            else if (code[i] == '/' && i + 1 < code.Length && code[i + 1] == '*')
            {
                var end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? code.Length : end + 1;
                result.Append(' ');
            }
            else
            {
                result.Append(code[i]);
            }
        }

        return result.ToString();
    }

    [GeneratedRegex(@"\bappSettings\s*:\s*\[")]
    private static partial Regex AppSettingsStart();

    [GeneratedRegex(@"(?<![\w.])name\s*:\s*'(?<v>(?:[^'\\]|\\.)*)'")]
    private static partial Regex NameProperty();

    [GeneratedRegex(@"(?<![\w.])value\s*:\s*(?<v>'(?:[^'\\]|\\.)*'|[^\r\n,}]+)")]
    private static partial Regex ValueProperty();

    [GeneratedRegex(@"'(?<v>(?:[^'\\]|\\.)*)'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"(?<![\w.])(?<k>\w+|'[^']*')\s*:\s*(?<v>'(?:[^'\\]|\\.)*'|[^\r\n,}]+)")]
    private static partial Regex PropertyAssignment();

    [GeneratedRegex(@"^'(?<v>(?:[^'\\]|\\.)*)'$")]
    private static partial Regex WholeStringLiteral();
}

/// <param name="Value">The literal value, or null when Bicep computes it (an expression or interpolation).</param>
internal sealed record AppSetting(string Name, string? Value, string File);
