using System.Globalization;

namespace Genviral.Core;

internal static class Timestamps
{
    /// <summary>Parses an ISO 8601 timestamp that names its offset (Z or ±hh:mm); a local time without one is refused.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length < 20)
        {
            return false;
        }

        var tail = text.AsSpan(text.Length - 6);
        var hasOffset = text[^1] is 'Z' or 'z' || ((tail[0] is '+' or '-') && tail[3] == ':');
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }
}
