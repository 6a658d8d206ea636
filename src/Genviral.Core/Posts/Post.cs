using Genviral.Core.Accounts;

namespace Genviral.Core.Posts;

public enum PostStatus
{
    Draft,
    Pending,
    Scheduled,
    Retry,
    Posted,
    Failed,
    Partial,
}

public enum MediaType
{
    Video,
    Slideshow,
}

/// <summary>A post's media: one video URL, or 1–35 slideshow image URLs in order.</summary>
public sealed record PostMedia(MediaType Type, IReadOnlyList<string> Urls)
{
    public bool Equals(PostMedia? other) => other is not null && Type == other.Type && Urls.SequenceEqual(other.Urls, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Type, Urls.Count);
}

/// <summary>One targeted account's publishing state.</summary>
/// <param name="PlatformPostId">The platform's id of the published post, for matching analytics to it.</param>
/// <param name="Publishing">The publisher's bookkeeping (claim, next attempt, platform job); never on the wire.</param>
public sealed record AccountState(
    string AccountId,
    Platform Platform,
    AccountType Type,
    PostStatus Status,
    DateTimeOffset? PublishedAt = null,
    string? PublishedUrl = null,
    string? ErrorMessage = null,
    DateTimeOffset? LastAttemptedAt = null,
    int Attempts = 0,
    string? PlatformPostId = null,
    PublishProgress? Publishing = null);

/// <summary>
/// Where the publisher is with one account state. <see cref="ClaimId"/> and <see cref="ClaimedUntil"/> mark the state
/// as being published by one dispatcher (an expired claim was abandoned by a crash); <see cref="NextAttemptAt"/> is
/// when a retry is due; <see cref="PlatformJobId"/> is a platform upload that was started and is still processing,
/// so the next attempt polls it instead of uploading the media a second time.
/// </summary>
public sealed record PublishProgress(string? ClaimId, DateTimeOffset? ClaimedUntil, DateTimeOffset? NextAttemptAt, string? PlatformJobId);

/// <summary>
/// A post. <see cref="Status"/> is never stored independently of the states: it is always
/// <see cref="PostStatusRules.Derive"/> of them, so the two cannot disagree.
/// </summary>
public sealed record Post(
    string Id,
    string Caption,
    PostMedia Media,
    string? MusicUrl,
    DateTimeOffset? ScheduledAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ExternalId,
    PostStatus PrePublishStatus,
    IReadOnlyList<AccountState> States,
    MediaState MediaState)
{
    public PostStatus Status => PostStatusRules.Derive(States, PrePublishStatus);

    /// <summary>When the publisher should take the post: its schedule, or at once.</summary>
    public DateTimeOffset DueAt => ScheduledAt ?? UpdatedAt;

    /// <summary>
    /// The post with media that can never be used: every state not yet posted fails with <paramref name="error"/> (a
    /// target already posted, in a retried partial post, keeps its result). An edit or a retry fetches the media again.
    /// </summary>
    public Post WithMediaFailed(string error) => this with
    {
        MediaState = MediaState with { Failed = true },
        States = [.. States.Select(s => s.Status == PostStatus.Posted ? s : s with { Status = PostStatus.Failed, ErrorMessage = error })],
    };
}

/// <summary>
/// Whether the media pipeline has made the post's media publishable. <see cref="Version"/> changes with every new
/// media, so a queue message for older media is recognised and ignored.
/// </summary>
/// <param name="Blobs">Once re-hosted, the media's blob names in the media container, in the media's order.</param>
/// <param name="Failed">The media could not be used; the account states say why.</param>
/// <param name="ClaimedBy">The queue message re-hosting this media right now, until <paramref name="ClaimedUntil"/>: another copy of it waits.</param>
public sealed record MediaState(
    string Version, bool Ready, bool NeedsRehost, IReadOnlyList<string>? Blobs = null, bool Failed = false, string? ClaimedBy = null, DateTimeOffset? ClaimedUntil = null);

public static class PostStatusRules
{
    /// <summary>
    /// The post status from its account states: all posted → posted; all failed → failed; posted and failed only →
    /// partial; any retry → retry; otherwise the pre-publish status (draft, pending or scheduled).
    /// </summary>
    public static PostStatus Derive(IReadOnlyList<AccountState> states, PostStatus prePublish)
    {
        if (states.Count > 0)
        {
            var posted = states.Count(s => s.Status == PostStatus.Posted);
            var failed = states.Count(s => s.Status == PostStatus.Failed);
            if (posted == states.Count)
            {
                return PostStatus.Posted;
            }

            if (failed == states.Count)
            {
                return PostStatus.Failed;
            }

            if (posted > 0 && posted + failed == states.Count)
            {
                return PostStatus.Partial;
            }

            if (states.Any(s => s.Status == PostStatus.Retry))
            {
                return PostStatus.Retry;
            }
        }

        return prePublish;
    }

    public static bool CanEdit(PostStatus status) => status is PostStatus.Draft or PostStatus.Pending or PostStatus.Scheduled or PostStatus.Retry or PostStatus.Failed;

    public static bool CanDelete(PostStatus status) => CanEdit(status);

    public static bool CanRetry(PostStatus status) => status is PostStatus.Failed or PostStatus.Partial;

    public static string ToWire(this PostStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out PostStatus status) => AccountEnums.TryParseWire(value, out status);
}
