using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Media;

public enum MediaOutcome
{
    /// <summary>The media is publishable now.</summary>
    Ready,

    /// <summary>The media can never be used: the post's states are failed with the reason.</summary>
    Failed,

    /// <summary>Nothing to do: the post is gone, has other media now, or this media was already handled.</summary>
    Dropped,
}

/// <summary>
/// Handles one media work message: re-hosts the post's media (any BYO target) or checks the caller's URLs (hosted
/// only), then marks the media ready or the post failed, in one ETag-guarded write. A message for a post that is
/// gone, or for media that has since been replaced or already handled, changes nothing, so redelivery is harmless.
/// </summary>
public sealed partial class MediaPipeline(
    PostStore posts,
    MediaRehoster rehoster,
    MediaReferences references,
    PublishNow publishNow,
    ConflictRetry conflicts,
    IOptions<MediaOptions> options,
    TimeProvider time,
    ILogger<MediaPipeline> logger)
{
    // A claim outlives the fetch it covers (bounded by FetchTimeout) by this much, for the write of the outcome.
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromMinutes(1);

    /// <param name="delivery">
    /// The message's id (a redelivery of the same message after a crash takes over its own claim at once), when it was
    /// put, and whether a throw now moves it to the poison queue: a transient failure then fails the post (and is still
    /// thrown, so the poison queue keeps a record), because nothing would ever try again.
    /// </param>
    /// <exception cref="RetryLaterException">
    /// Another delivery of this work is re-hosting the media right now, or the post write this message announces has not
    /// landed yet: try again later.
    /// </exception>
    public async Task<MediaOutcome> ProcessAsync(MediaWorkMessage message, QueueDelivery delivery, CancellationToken cancellationToken)
    {
        if (!Scope.TryParsePartitionKey(message.Scope, out var scope))
        {
            LogDropped(logger, message.PostId, "unknown scope");
            return MediaOutcome.Dropped;
        }

        var current = await posts.GetAsync(scope, message.PostId, cancellationToken);
        if (!IsWaiting(current, message))
        {
            // The message goes before the post write (see MediaWork), so a consumer can be faster than that write. Media
            // versions are time-ordered: a post missing, or showing an earlier version than the message's, may still be written.
            var older = current is null || string.CompareOrdinal(current.Post.MediaState.Version, message.MediaVersion) < 0;
            if (older && !delivery.IsLastAttempt && PendingWrites.MayStillLand(delivery.InsertedOn, time.GetUtcNow()))
            {
                throw new RetryLaterException($"Post {message.PostId} does not show media version {message.MediaVersion} yet.");
            }

            LogDropped(logger, message.PostId, "no post waits for this media version");
            return MediaOutcome.Dropped;
        }

        var isLastAttempt = delivery.IsLastAttempt;
        if (current!.Post.MediaState.NeedsRehost)
        {
            current = await ClaimAsync(scope, message, delivery.MessageId, current, isLastAttempt, cancellationToken);
            if (current is null)
            {
                return MediaOutcome.Dropped;
            }
        }

        IReadOnlyList<string>? blobs;
        try
        {
            blobs = await FetchWithinDeadlineAsync(scope, current!.Post, cancellationToken);
        }
        catch (MediaFailureException e)
        {
            return await FinishAsync(scope, message, current!, e.ErrorMessage, null, cancellationToken);
        }
        catch (Exception e) when (isLastAttempt && !cancellationToken.IsCancellationRequested)
        {
            var reason = MediaFailureException.ErrorCode(MediaFailureReason.Unreachable) + ": " + e.Message;
            await FinishAsync(scope, message, current!, reason, null, cancellationToken);
            throw;
        }

        return await FinishAsync(scope, message, current!, null, blobs, cancellationToken);
    }

    /// <summary>
    /// Marks the post's media as being re-hosted by <paramref name="messageId"/> until the fetch must be over, so that a
    /// second copy of the message (queues deliver at least once) does not fetch and store the same files at the same
    /// time. A copy that finds a live claim of another message is told to try again later; by then the media is ready
    /// (and the copy is dropped), or the claim has expired because its holder died (and the copy takes over). On its
    /// last attempt the copy is dropped instead: the holder's own message is still in the queue until it succeeds.
    /// </summary>
    /// <returns>The post as claimed, or null when the work is no longer this message's to do.</returns>
    private Task<StoredPost?> ClaimAsync(
        Scope scope, MediaWorkMessage message, string messageId, StoredPost current, bool isLastAttempt, CancellationToken cancellationToken)
    {
        StoredPost? read = current;
        return conflicts.RunAsync(async () =>
        {
            // The first attempt claims the post as read; after a lost race (another copy claimed first, or an edit) the
            // fresh post decides again.
            var stored = read ?? await posts.GetAsync(scope, message.PostId, cancellationToken);
            read = null;
            if (!IsWaiting(stored, message))
            {
                LogDropped(logger, message.PostId, "the post changed before its media was fetched");
                return null;
            }

            var media = stored!.Post.MediaState;
            var now = time.GetUtcNow();
            if (media.ClaimedBy is { } holder && holder != messageId && media.ClaimedUntil > now)
            {
                if (isLastAttempt)
                {
                    LogHeld(logger, message.PostId, holder);
                    return null;
                }

                throw new RetryLaterException($"Message {holder} is re-hosting the media of post {message.PostId} until {media.ClaimedUntil:O}.");
            }

            var claimed = stored.Post with { MediaState = media with { ClaimedBy = messageId, ClaimedUntil = now + options.Value.FetchTimeout + ClaimMargin } };
            return (StoredPost?)await posts.UpdateAsync(scope, stored, claimed, cancellationToken);
        });
    }

    /// <summary>
    /// All of the post's files within <see cref="MediaOptions.FetchTimeout"/>, which stays under the Functions host's
    /// functionTimeout so that even a last attempt that runs out of time still gets to fail the post.
    /// </summary>
    private async Task<IReadOnlyList<string>?> FetchWithinDeadlineAsync(Scope scope, Post post, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.FetchTimeout);
        try
        {
            return await FetchAsync(scope, post, deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"fetching the media took longer than {options.Value.FetchTimeout}", e);
        }
    }

    private async Task<IReadOnlyList<string>?> FetchAsync(Scope scope, Post post, CancellationToken cancellationToken)
    {
        var urls = post.Media.Urls.Select(ToUri).ToList();
        if (!post.MediaState.NeedsRehost)
        {
            foreach (var url in urls)
            {
                await rehoster.CheckReachableAsync(url, cancellationToken);
            }

            return null;
        }

        var blobs = new List<string>(urls.Count);
        foreach (var url in urls)
        {
            // The post's use of the blob is recorded before the blob is used, so the media sweep never removes it under the post.
            blobs.Add((await rehoster.RehostAsync(scope.PartitionKey, url, post.Media.Type,
                (name, ct) => references.AddAsync(scope, name, post.Id, post.MediaState.Version, ct), cancellationToken)).BlobName);
        }

        return blobs;
    }

    /// <summary>Writes the outcome unless, by the time of the write, the post no longer waits for this media.</summary>
    private Task<MediaOutcome> FinishAsync(
        Scope scope, MediaWorkMessage message, StoredPost current, string? error, IReadOnlyList<string>? blobs, CancellationToken cancellationToken)
    {
        StoredPost? read = current;
        return conflicts.RunAsync(async () =>
        {
            // The first attempt writes over the post as read before the fetch; after a lost race (edited, published or
            // handled by a duplicate meanwhile) the fresh post decides again.
            var stored = read ?? await posts.GetAsync(scope, message.PostId, cancellationToken);
            read = null;
            if (!IsWaiting(stored, message))
            {
                LogDropped(logger, message.PostId, "the post changed while its media was fetched");
                return MediaOutcome.Dropped;
            }

            var post = stored!.Post;
            var done = post with { MediaState = post.MediaState with { ClaimedBy = null, ClaimedUntil = null } };
            var updated = error is null
                ? done with { MediaState = done.MediaState with { Ready = true, Blobs = blobs } }
                : done.WithMediaFailed(error);
            var written = await posts.UpdateAsync(scope, stored, updated, cancellationToken);
            LogFinished(logger, post.Id, error ?? "ready");
            if (error is null)
            {
                // A post without scheduled_at (or one past its time) is published now, not on the next tick.
                await publishNow.RequestIfDueAsync(scope, written.Post, cancellationToken);
            }

            return error is null ? MediaOutcome.Ready : MediaOutcome.Failed;
        });
    }

    private static bool IsWaiting(StoredPost? stored, MediaWorkMessage message) =>
        stored?.Post.MediaState is { } media && media.Version == message.MediaVersion && !media.Ready && !media.Failed;

    private static Uri ToUri(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri)
        ? uri
        : throw new MediaFailureException(MediaFailureReason.Unreachable, "the media URL is not an absolute URL");

    [LoggerMessage(Level = LogLevel.Information, Message = "Media work for post {PostId} dropped on its last attempt: message {Holder} is re-hosting this media")]
    private static partial void LogHeld(ILogger logger, string postId, string holder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media work for post {PostId} dropped: {Why}")]
    private static partial void LogDropped(ILogger logger, string postId, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media of post {PostId}: {Outcome}")]
    private static partial void LogFinished(ILogger logger, string postId, string outcome);
}
