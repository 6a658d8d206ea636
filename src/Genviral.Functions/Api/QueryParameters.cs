using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Genviral.Functions.Api;

/// <summary>Query-string rules shared by the listings: integers in a range, and opaque cursors over a row key.</summary>
internal static class QueryParameters
{
    private const string CursorVersion = "v1:";

    /// <summary>An absent parameter is <paramref name="fallback"/>; a present one must be a plain integer in [min, max].</summary>
    public static bool TryInt(IQueryCollection query, string name, int fallback, int min, int max, out int value)
    {
        value = fallback;
        return !query.TryGetValue(name, out var text)
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }

    /// <summary>The row key a listing stopped after, as an opaque cursor (null when the listing is complete).</summary>
    public static string? EncodeCursor(string? rowKey) =>
        rowKey is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorVersion + rowKey));

    /// <summary>The row key of a cursor, or null when it is not one of ours; the listing still checks that the key is one of its own.</summary>
    public static string? DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(CursorVersion, StringComparison.Ordinal) ? text[CursorVersion.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
