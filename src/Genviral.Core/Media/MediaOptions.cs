using System.ComponentModel.DataAnnotations;

namespace Genviral.Core.Media;

/// <summary>The media pipeline's limits, the lifetime of the read-only URLs it hands out, and when unused blobs go.</summary>
public sealed class MediaOptions : IValidatableObject
{
    public const string SectionName = "Media";

    /// <summary>
    /// Comma-separated <c>host:port</c> entries the fetcher may reach even though they resolve to a private or
    /// loopback address. Empty in production; tests and the local demo list their local source server here.
    /// </summary>
    public string AllowedPrivateHosts { get; set; } = "";

    [Range(1, long.MaxValue)]
    public long MaxVideoBytes { get; set; } = 100L * 1024 * 1024;

    [Range(1, long.MaxValue)]
    public long MaxImageBytes { get; set; } = 5L * 1024 * 1024;

    /// <summary>Longest wait for a TCP connection to a source.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest time fetching one post's media may take, every file, redirect, header and body included. Below the
    /// host's functionTimeout (10 minutes), so the last attempt can still record the failure.
    /// </summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a media URL given out on read stays valid: long enough for a platform to fetch a scheduled post's
    /// media after it was read. A user-delegation SAS can live at most seven days.
    /// </summary>
    public TimeSpan SasValidity { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How old an unused media blob must be before the media sweep removes it. At least <see cref="FetchTimeout"/>: a
    /// re-host under way stores and uses its blobs within that time, so anything older and unused was left behind.
    /// </summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OrphanGrace < FetchTimeout)
        {
            yield return new ValidationResult($"{nameof(OrphanGrace)} must be at least {nameof(FetchTimeout)}.", [nameof(OrphanGrace)]);
        }
    }

    /// <summary>The allow-list as normalised <c>host:port</c> keys.</summary>
    internal IReadOnlySet<string> AllowedPrivateHostSet() =>
        AllowedPrivateHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => e.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
}
