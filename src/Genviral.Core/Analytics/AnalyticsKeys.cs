using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Genviral.Core.Accounts;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Analytics;

/// <summary>
/// Row keys of the analytics table. Everything of a scope lives in the scope's partition, and everything of a
/// target sorts under a prefix with its id, so each read is a point read or one row-key range.
/// </summary>
internal static partial class AnalyticsKeys
{
    public const string TargetPrefix = "target|";

    public static string Target(string id) => TargetPrefix + id;

    // Hashed: identifiers are caller text, and row keys forbid / \ # ? and control characters.
    public static string Identity(Platform platform, string normalizedIdentifier) => "ident|" + platform.ToWire() + "|" + Hash(normalizedIdentifier);

    public static string Refresh(string id) => "refresh|" + id;

    /// <summary>Marks a refresh as belonging to a target, so deleting the target finds its refreshes with one range read.</summary>
    public static string RefreshOfTarget(string targetId, string refreshId) => RefreshesOfTargetPrefix(targetId) + refreshId;

    public static string RefreshesOfTargetPrefix(string targetId) => "rfx|" + targetId + "|";

    public static string Snapshot(string targetId, string day) => SnapshotPrefix(targetId) + day;

    public static string SnapshotPrefix(string targetId) => "snap|" + targetId + "|";

    /// <summary>Post stats sort by publish time under the target, so a date range is a row-key range.</summary>
    public static string Post(string targetId, DateTimeOffset publishedAt, string platformPostId) =>
        PostPrefix(targetId) + Ticks(publishedAt) + "|" + Safe(platformPostId);

    public static string PostPrefix(string targetId) => "pstat|" + targetId + "|";

    public static (string From, string To) PostRange(string targetId, DateTimeOffset from, DateTimeOffset toExclusive) =>
        (PostPrefix(targetId) + Ticks(from), PostPrefix(targetId) + Ticks(toExclusive));

    /// <summary>The row keys between <paramref name="prefix"/> and its end.</summary>
    public static (string From, string To) Prefix(string prefix) => (prefix, prefix + "~");

    public static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The daily free refresh of a target has a fixed id per day, so a redelivered or repeated capture finds the same refresh.</summary>
    public static string DailyRefreshId(string targetId, string day)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("daily|" + targetId + "|" + day)).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>The analytics-row id of a platform post: stable across refreshes.</summary>
    public static string PostRowId(string targetId, string platformPostId)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("post|" + targetId + "|" + platformPostId)).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>Platform ids are kept readable in keys when they are plain; anything else is hashed.</summary>
    public static string Safe(string id) => PlainId().IsMatch(id) ? id : "h" + Hash(id);

    private static string Ticks(DateTimeOffset time) => time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,200}$")]
    private static partial Regex PlainId();
}
