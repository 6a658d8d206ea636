using Genviral.Core.Posts;
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
    PostStore posts, MediaRehoster rehoster, ConflictRetry conflicts, IOptions<MediaOptions> options, ILogger<MediaPipeline> logger)
{
    /// <param name="isLastAttempt">
    /// True when a throw now moves the message to the poison queue: a transient failure then fails the post (and is
    /// still thrown, so the poison queue keeps a record), because nothing would ever try again.
    /// </param>
    public async Task<MediaOutcome> ProcessAsync(MediaWorkMessage message, bool isLastAttempt, CancellationToken cancellationToken)
    {
        if (!Scope.TryParsePartitionKey(message.Scope, out var scope))
        {
            LogDropped(logger, message.PostId, "unknown scope");
            return MediaOutcome.Dropped;
        }

        var current = await posts.GetAsync(scope, message.PostId, cancellationToken);
        if (!IsWaiting(current, message))
        {
            LogDropped(logger, message.PostId, "no post waits for this media version");
            return MediaOutcome.Dropped;
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
            blobs.Add((await rehoster.RehostAsync(scope.PartitionKey, url, post.Media.Type, cancellationToken)).BlobName);
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
            var updated = error is null
                ? post with { MediaState = post.MediaState with { Ready = true, Blobs = blobs } }
                : post.WithMediaFailed(error);
            await posts.UpdateAsync(scope, stored, updated, cancellationToken);
            LogFinished(logger, post.Id, error ?? "ready");
            return error is null ? MediaOutcome.Ready : MediaOutcome.Failed;
        });
    }

    private static bool IsWaiting(StoredPost? stored, MediaWorkMessage message) =>
        stored?.Post.MediaState is { } media && media.Version == message.MediaVersion && !media.Ready && !media.Failed;

    private static Uri ToUri(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri)
        ? uri
        : throw new MediaFailureException(MediaFailureReason.Unreachable, "the media URL is not an absolute URL");

    [LoggerMessage(Level = LogLevel.Information, Message = "Media work for post {PostId} dropped: {Why}")]
    private static partial void LogDropped(ILogger logger, string postId, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media of post {PostId}: {Outcome}")]
    private static partial void LogFinished(ILogger logger, string postId, string outcome);
}
