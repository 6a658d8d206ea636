using Genviral.Core.Accounts;
using Genviral.Core.Posts;

namespace Genviral.Core.Platforms.Publishing;

/// <summary>
/// One platform's publishing API. A connector makes the calls of one attempt and says how it ended; it never
/// retries by itself: retries are the dispatcher's, with backoff between ticks.
/// </summary>
public interface IPlatformPublisher
{
    Platform Platform { get; }

    Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken);

    /// <summary>New tokens for a BYO account whose access token was refused, or null when the platform refuses to refresh.</summary>
    Task<PlatformCredentials?> RefreshAsync(PlatformCredentials credentials, CancellationToken cancellationToken);
}

/// <param name="PlatformUserId">The account's id on the platform (Instagram's ig-user-id); the handle when none is stored.</param>
/// <param name="Username">The account's handle, for building public URLs.</param>
/// <param name="Media">The media as platforms fetch it: read-only SAS URLs of our copies once re-hosted, else the caller's URLs.</param>
/// <param name="JobId">A platform job an earlier attempt started and left processing: poll it rather than upload again.</param>
/// <param name="VideoBlob">The re-hosted video's blob name, for connectors that upload the bytes themselves.</param>
/// <param name="JobStarted">
/// Told the platform job (TikTok publish id, Instagram container) as soon as the platform has one, before it is polled
/// or published: the caller records it, so an attempt after a crash continues that job instead of starting a second.
/// </param>
public sealed record PublishRequest(
    string Caption, PostMedia Media, string AccessToken, string PlatformUserId, string Username, string? JobId, string? VideoBlob = null,
    Func<string, CancellationToken, Task>? JobStarted = null)
{
    /// <summary>Records <paramref name="jobId"/> through <see cref="JobStarted"/>, if anyone listens.</summary>
    public Task StartedAsync(string jobId, CancellationToken cancellationToken) => JobStarted?.Invoke(jobId, cancellationToken) ?? Task.CompletedTask;
}

public enum PublishOutcomeKind
{
    /// <summary>Live on the platform.</summary>
    Published,

    /// <summary>Accepted, still processing after the polls one attempt allows; <see cref="PublishOutcome.JobId"/> says what to poll next time.</summary>
    Processing,

    /// <summary>Worth trying again later: 429, 5xx, a timeout, a connection failure.</summary>
    Transient,

    /// <summary>Will fail again however often it is tried: a 4xx, media the platform refused.</summary>
    Permanent,

    /// <summary>The access token was refused (401, or the platform's invalid-token error).</summary>
    Unauthorized,
}

public sealed record PublishOutcome(PublishOutcomeKind Kind, string? Message = null, string? PlatformPostId = null, string? Url = null, string? JobId = null)
{
    public static PublishOutcome Published(string platformPostId, string url) => new(PublishOutcomeKind.Published, null, platformPostId, url);

    public static PublishOutcome Processing(string jobId) => new(PublishOutcomeKind.Processing, "The platform is still processing the upload", JobId: jobId);

    public static PublishOutcome Transient(string message) => new(PublishOutcomeKind.Transient, message);

    public static PublishOutcome Permanent(string message) => new(PublishOutcomeKind.Permanent, message);

    public static PublishOutcome Unauthorized(string message) => new(PublishOutcomeKind.Unauthorized, message);
}
