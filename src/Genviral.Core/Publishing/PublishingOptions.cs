using System.ComponentModel.DataAnnotations;

namespace Genviral.Core.Publishing;

/// <summary>The dispatcher's rules (section "Publishing").</summary>
public sealed class PublishingOptions
{
    public const string SectionName = "Publishing";

    /// <summary>
    /// How long a claimed account state belongs to the dispatcher that claimed it. Longer than one publish can take
    /// (upload timeout plus the status polls), so only a claim whose dispatcher died is ever taken over.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Attempts per account state before a transient failure becomes final.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait after the first failed attempt; it doubles with each further one (with jitter), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a due post whose media is not ready yet waits before it is looked at again.</summary>
    public TimeSpan MediaWaitDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after its last change a due post may wait for its media before it fails with media_unreachable. Longer
    /// than the media queue's every attempt (maxDequeueCount × Media:FetchTimeout): the wait only ends when the media
    /// work was lost, for instance a crash during its last attempt, which sends the message to poison unseen.
    /// </summary>
    public TimeSpan MediaGiveUpAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Timeout of one platform API call, by a publishing or an analytics connector alike (<see cref="Platforms.PlatformClients"/>).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one media transfer (the YouTube upload streams the whole video).</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Between two status checks of a platform that processes the media after accepting it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Status checks in one attempt; a platform still processing after them is checked again on a later attempt.</summary>
    [Range(1, 100)]
    public int MaxPolls { get; set; } = 12;
}
