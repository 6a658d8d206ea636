using Genviral.Core.Accounts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;

namespace Genviral.Core.Posts;

/// <summary>The checked content of a post, ready to store.</summary>
public sealed record PostContent(
    string Caption, PostMedia Media, IReadOnlyList<PostTarget> Accounts, string? MusicUrl, PostStatus PrePublishStatus, DateTimeOffset? ScheduledAt);

public enum RetryOutcome
{
    Retried,
    NotFound,
    NotRetryable,
    NothingToRetry,

    /// <summary>The post kept changing under other writers; it was left as it was.</summary>
    Contended,
}

internal enum UpdateOutcome
{
    Updated,
    NotFound,

    /// <summary>If-Match names another version of the post than the stored one.</summary>
    PreconditionFailed,
    NotEditable,
    Rejected,
}

/// <param name="Post">The post as stored by the update (Updated).</param>
/// <param name="Rejection">The rule that refused the patch (NotEditable, Rejected).</param>
internal sealed record UpdateResult(UpdateOutcome Outcome, StoredPost? Post = null, PostRejection? Rejection = null);

internal sealed record BlockedPost(string Id, PostStatus Status);

/// <summary>Each requested id in exactly one list, in request order.</summary>
/// <param name="Skipped">Ids with no post in the scope.</param>
/// <param name="Contended">Ids of posts that kept changing while being deleted; they are still there.</param>
internal sealed record DeleteResult(IReadOnlyList<string> Deleted, IReadOnlyList<BlockedPost> Blocked, IReadOnlyList<string> Skipped, IReadOnlyList<string> Contended);

/// <summary>
/// Post changes that span the posts partition, the due-time index and the media queue, and the one owner of their
/// order: the writes outside the partition happen first and are harmless on their own (their consumers re-check the
/// post), a stale due entry goes last, so a crash between two writes never leaves a post that the publisher or the
/// media pipeline cannot see. A change that loses its race to another writer is decided again on the fresh post
/// (<see cref="ConflictRetry"/>).
/// </summary>
internal sealed class PostService(
    PostStore posts, PostSchedule schedule, MediaWork media, PublishNow publishNow, PostValidation validation, ConflictRetry conflicts, TimeProvider time)
{
    public async Task<CreateResult> CreateAsync(Scope scope, PostContent content, string? externalId, IdempotencyClaim? claim, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var post = new Post(
            Guid.NewGuid().ToString(),
            content.Caption,
            content.Media,
            content.MusicUrl,
            content.ScheduledAt,
            now,
            now,
            externalId,
            content.PrePublishStatus,
            [.. content.Accounts.Select(a => new AccountState(a.AccountId, a.Platform, a.Type, content.PrePublishStatus))],
            NewMedia(content.Accounts));
        PendingCreate pending;
        if (claim is null)
        {
            // Nothing to replay: the due row and the media message (harmless alone, as any crash ordering allows) go out
            // beside the counter read, one round trip instead of two before the transaction.
            var begin = posts.BeginCreateAsync(scope, post, claim, cancellationToken);
            await Task.WhenAll(begin, PrepareAsync(scope, post, mediaChanged: true, cancellationToken));
            pending = await begin;
        }
        else
        {
            // A replay of an idempotency key must write nothing: the claim is read first.
            pending = await posts.BeginCreateAsync(scope, post, claim, cancellationToken);
            if (pending.Existing is { } existing)
            {
                return existing;
            }

            await PrepareAsync(scope, post, mediaChanged: true, cancellationToken);
        }

        return await posts.CreateAsync(pending, cancellationToken);
    }

    /// <summary>
    /// Patches the post with <paramref name="request"/>: reads it, checks <paramref name="ifMatch"/>, that it is editable
    /// and the content rules, then writes. Without If-Match a change that wins the race is kept: the patch is checked and
    /// written again on top of it; with If-Match the caller named the version to change, so a lost race is PreconditionFailed.
    /// </summary>
    /// <param name="ifMatch">The caller's If-Match ETag; null or empty for none, * for any version.</param>
    /// <exception cref="WriteConflictException">Without If-Match, other writers kept winning.</exception>
    public Task<UpdateResult> UpdateAsync(Scope scope, string postId, PostRequest request, string? ifMatch, CancellationToken cancellationToken)
    {
        var conditional = !string.IsNullOrEmpty(ifMatch);
        return conflicts.RunAsync(async () =>
        {
            var current = await posts.GetAsync(scope, postId, cancellationToken);
            if (current is null)
            {
                return new UpdateResult(UpdateOutcome.NotFound);
            }

            if (conditional && ifMatch != "*" && ifMatch != current.ETag.ToString())
            {
                return new UpdateResult(UpdateOutcome.PreconditionFailed);
            }

            if (!PostStatusRules.CanEdit(current.Post.Status))
            {
                var status = current.Post.Status.ToWire();
                return new UpdateResult(UpdateOutcome.NotEditable, Rejection: new(PostRejectionKind.ValidationFailed, $"A {status} post cannot be edited", [new("status", $"Post is {status}")]));
            }

            var (content, rejection) = await validation.CheckAsync(scope, request, current.Post, cancellationToken);
            if (rejection is not null)
            {
                return new UpdateResult(UpdateOutcome.Rejected, Rejection: rejection);
            }

            try
            {
                return new UpdateResult(UpdateOutcome.Updated, await UpdateAsync(scope, current, content!, cancellationToken));
            }
            catch (PostChangedException) when (conditional)
            {
                return new UpdateResult(UpdateOutcome.PreconditionFailed);
            }
        });
    }

    /// <summary>
    /// Applies <paramref name="content"/> to the post. Targets that were already posted keep their state; every other
    /// state starts again from the new pre-publish status, so an edited failed post is published afresh.
    /// </summary>
    /// <exception cref="PostChangedException">The post changed since <paramref name="current"/> was read.</exception>
    public async Task<StoredPost> UpdateAsync(Scope scope, StoredPost current, PostContent content, CancellationToken cancellationToken)
    {
        var old = current.Post;
        var previous = old.States.ToDictionary(s => s.AccountId, StringComparer.OrdinalIgnoreCase);
        var states = content.Accounts.Select(a => previous.TryGetValue(a.AccountId, out var s) && s.Status == PostStatus.Posted
            ? s
            : new AccountState(a.AccountId, a.Platform, a.Type, content.PrePublishStatus, Attempts: previous.TryGetValue(a.AccountId, out var p) ? p.Attempts : 0,
                // A state a dispatcher is publishing right now keeps its claim, so the result still lands (not a second publish).
                Publishing: p?.Publishing?.ClaimId is not null ? p.Publishing with { NextAttemptAt = null } : null)).ToList();
        // Media that failed is fetched afresh on any edit: the source may have been fixed meanwhile.
        var mediaChanged = old.MediaState.Failed || !old.Media.Equals(content.Media) || old.MediaState.NeedsRehost != content.Accounts.Any(a => a.Type == AccountType.Byo);
        var updated = old with
        {
            Caption = content.Caption,
            Media = content.Media,
            MusicUrl = content.MusicUrl,
            ScheduledAt = content.ScheduledAt,
            PrePublishStatus = content.PrePublishStatus,
            States = states,
            UpdatedAt = time.GetUtcNow(),
            MediaState = mediaChanged ? NewMedia(content.Accounts) : old.MediaState,
        };
        await PrepareAsync(scope, updated, mediaChanged, cancellationToken);
        var stored = await posts.UpdateAsync(scope, current, updated, cancellationToken);
        await RemoveStaleScheduleAsync(scope, old, updated, cancellationToken);
        await publishNow.RequestIfDueAsync(scope, stored.Post, cancellationToken);
        return stored;
    }

    /// <summary>Deletes each post that is not posted or partial, one after the other; a post that keeps changing is reported, not deleted.</summary>
    public async Task<DeleteResult> DeleteManyAsync(Scope scope, IReadOnlyList<string> postIds, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        var blocked = new List<BlockedPost>();
        var skipped = new List<string>();
        var contended = new List<string>();
        foreach (var id in postIds)
        {
            try
            {
                // Decided again on the fresh post after a lost race: its status may have moved (a publish finished).
                await conflicts.RunAsync(async () =>
                {
                    var current = await posts.GetAsync(scope, id, cancellationToken);
                    if (current is null)
                    {
                        skipped.Add(id);
                    }
                    else if (!PostStatusRules.CanDelete(current.Post.Status) || IsBeingPublished(current.Post))
                    {
                        blocked.Add(new(id, current.Post.Status));
                    }
                    else
                    {
                        await DeleteAsync(scope, current, cancellationToken);
                        deleted.Add(id);
                    }
                });
            }
            catch (WriteConflictException)
            {
                contended.Add(id);
            }
        }

        return new(deleted, blocked, skipped, contended);
    }

    /// <summary>
    /// A dispatcher holds a live claim on one of its account states: the platform may accept the post any moment, and
    /// deleting it now would drop that result (a post live on the platform that nothing records). Such a post is
    /// blocked like a posted one until its attempt ends. A claim its dispatcher abandoned (a crash) expires.
    /// </summary>
    private bool IsBeingPublished(Post post) => post.States.Any(s => s.Publishing?.ClaimedUntil > time.GetUtcNow());

    /// <summary>Deletes the post and its due-time entry.</summary>
    /// <exception cref="PostChangedException">The post changed since <paramref name="current"/> was read.</exception>
    public async Task DeleteAsync(Scope scope, StoredPost current, CancellationToken cancellationToken)
    {
        await posts.DeleteAsync(scope, current, cancellationToken);
        await schedule.RemoveAsync(scope, current.Post.Id, current.Post.DueAt, cancellationToken);
    }

    /// <summary>Puts a failed or partial post's failed states (or only those of <paramref name="accountIds"/>) back into dispatch.</summary>
    public async Task<RetryOutcome> RetryAsync(Scope scope, string postId, IReadOnlyCollection<string>? accountIds, CancellationToken cancellationToken)
    {
        try
        {
            // Changed under us (a publish result, a patch): decided again on the fresh post.
            return await conflicts.RunAsync(() => TryRetryAsync(scope, postId, accountIds, cancellationToken));
        }
        catch (WriteConflictException)
        {
            return RetryOutcome.Contended;
        }
    }

    private async Task<RetryOutcome> TryRetryAsync(Scope scope, string postId, IReadOnlyCollection<string>? accountIds, CancellationToken cancellationToken)
    {
        var current = await posts.GetAsync(scope, postId, cancellationToken);
        if (current is null)
        {
            return RetryOutcome.NotFound;
        }

        var old = current.Post;
        if (!PostStatusRules.CanRetry(old.Status))
        {
            return RetryOutcome.NotRetryable;
        }

        var states = old.States.Select(s => s.Status == PostStatus.Failed && (accountIds is null || accountIds.Contains(s.AccountId, StringComparer.OrdinalIgnoreCase))
            ? s with { Status = PostStatus.Retry, ErrorMessage = null, Attempts = 0, Publishing = null }
            : s).ToList();
        if (!states.Any(s => s.Status == PostStatus.Retry))
        {
            return RetryOutcome.NothingToRetry;
        }

        // Due at once: a retried post with ready media is published at once (PublishNow), else once its media is ready. Media that failed is fetched again.
        var retryMedia = old.MediaState.Failed;
        var updated = old with
        {
            States = states,
            ScheduledAt = null,
            UpdatedAt = time.GetUtcNow(),
            MediaState = retryMedia ? new MediaState(NewMediaVersion(), Ready: false, old.MediaState.NeedsRehost) : old.MediaState,
        };
        await PrepareAsync(scope, updated, mediaChanged: retryMedia, cancellationToken);
        var stored = await posts.UpdateAsync(scope, current, updated, cancellationToken);
        await RemoveStaleScheduleAsync(scope, old, updated, cancellationToken);
        await publishNow.RequestIfDueAsync(scope, stored.Post, cancellationToken);
        return RetryOutcome.Retried;
    }

    private async Task PrepareAsync(Scope scope, Post post, bool mediaChanged, CancellationToken cancellationToken)
    {
        // Independent of each other; each is harmless alone, and both only have to land before the post's transaction.
        await Task.WhenAll(
            schedule.AddAsync(scope, post.Id, post.DueAt, cancellationToken),
            mediaChanged ? media.RequestAsync(scope, post, cancellationToken) : Task.CompletedTask);
    }

    private async Task RemoveStaleScheduleAsync(Scope scope, Post old, Post updated, CancellationToken cancellationToken)
    {
        if (PostSchedule.Bucket(old.DueAt) != PostSchedule.Bucket(updated.DueAt))
        {
            await schedule.RemoveAsync(scope, old.Id, old.DueAt, cancellationToken);
        }
    }

    private static MediaState NewMedia(IReadOnlyList<PostTarget> accounts) =>
        new(NewMediaVersion(), Ready: false, NeedsRehost: accounts.Any(a => a.Type == AccountType.Byo));

    // Never reused, so a message for replaced media is told apart; time-ordered, which helps when reading logs.
    private static string NewMediaVersion() => Guid.CreateVersion7().ToString("N");
}
