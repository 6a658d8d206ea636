using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Genviral.Core.Posts;

/// <summary>
/// Row keys of the posts table. Every row of a scope lives in the scope's partition, so a post, its index copies,
/// its counter shard and its idempotency row change together in one entity-group transaction.
/// </summary>
internal static class PostKeys
{
    public const string PostPrefix = "post|";
    public const string CreatedPrefix = "created|";
    public const string StatusPrefix = "status|";
    public const string CounterPrefix = "counter|";
    public const string ExternalIdPrefix = "ext|";
    public const string IdempotencyPrefix = "idem|";

    /// <summary>A post's use of a re-hosted blob: <c>mediaref|{file}|{post id}</c>, so the uses of one blob are one row-key range.</summary>
    public const string MediaReferencePrefix = "mediaref|";

    /// <summary>
    /// Counter shards: concurrent writers in one scope rarely hit the same row (two writers share a shard a quarter as often
    /// as on 8), and a summary reads only these, in one range query.
    /// </summary>
    public const int CounterShards = 32;

    public static string Post(string id) => PostPrefix + id;

    /// <summary>Newest first: inverted ticks sort ascending, and the id breaks ties between posts of the same tick.</summary>
    public static string Created(DateTimeOffset createdAt, string id) => CreatedPrefix + Inverted(createdAt) + "|" + id;

    public static string Status(PostStatus status, DateTimeOffset createdAt, string id) => StatusPrefix + status.ToWire() + "|" + Inverted(createdAt) + "|" + id;

    public static string Counter(int shard) => CounterPrefix + shard.ToString(CultureInfo.InvariantCulture);

    // Hashed: external ids and header keys are caller text, and row keys forbid / \ # ? and control characters.
    public static string ExternalId(string externalId) => ExternalIdPrefix + Hash(externalId);

    public static string Idempotency(string key) => IdempotencyPrefix + Hash(key);

    /// <summary>The row-key prefix of the uses of the blob named <paramref name="file"/> (its name without the scope folder).</summary>
    public static string MediaReferences(string file) => MediaReferencePrefix + file + "|";

    /// <summary>The created-index range for posts created within [since, until].</summary>
    public static (string From, string To) CreatedRange(DateTimeOffset? since, DateTimeOffset? until) =>
        (CreatedPrefix + (until is { } u ? Inverted(u) : new string('0', 19)), CreatedPrefix + (since is { } s ? Inverted(s) : new string('9', 19)) + "|~");

    public static (string From, string To) StatusRange(PostStatus status, DateTimeOffset? since, DateTimeOffset? until)
    {
        var prefix = StatusPrefix + status.ToWire() + "|";
        return (prefix + (until is { } u ? Inverted(u) : new string('0', 19)), prefix + (since is { } s ? Inverted(s) : new string('9', 19)) + "|~");
    }

    private static string Inverted(DateTimeOffset time) => (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
