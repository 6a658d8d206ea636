using System.Text.Json;
using Genviral.Testing;

namespace Genviral.Infra.Tests;

internal static class LocalSettings
{
    /// <summary>The Values of local.settings.sample.json, the documented list of settings with Azurite defaults.</summary>
    public static IReadOnlyDictionary<string, string?> SampleValues()
    {
        using var doc = JsonDocument.Parse(Repo.Read("local.settings.sample.json"), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        return doc.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.ToString(), StringComparer.Ordinal);
    }
}
