using Genviral.Core.Accounts;
using Genviral.Core.Analytics;
using Genviral.Core.Media;
using Genviral.Core.Platforms.Publishing;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Genviral.Core.Publishing;

/// <summary>What one tick did: due index entries read, posts looked at, platform attempts made.</summary>
public sealed record DispatchResult(int Entries, int Posts, int Attempts);

/// <summary>
/// Publishes what is due. A tick reads the entries of the due index up to now, and for each one re-reads the post: the index is only a hint (written before the post changed, removed after), the post row is the
/// truth. Each due account state is claimed with an ETag-conditional write of the post before any platform call, so
/// two dispatchers, a duplicate tick or a restart never publish one state twice; a claim whose dispatcher died
/// expires after <see cref="PublishingOptions.ClaimTimeout"/>, and an index entry written at that time brings it back.
/// </summary>
public sealed partial class PostDispatcher(
    PostSchedule index,
    PostStore posts,
    AccountStore accounts,
    AccountCredentials credentials,
    IEnumerable<IPlatformPublisher> publishers,
    MediaSigner media,
    PlatformPostMap platformPosts,
    ConflictRetry conflicts,
    IOptions<PublishingOptions> options,
    TimeProvider time,
    ILogger<PostDispatcher> logger)
{
    /// <summary>Entries one tick takes on; a longer backlog (after an outage) is worked off over the next ticks, oldest first.</summary>
    internal const int MaxEntriesPerTick = 2000;

    private const int MaxConcurrency = 8;

    public async Task<DispatchResult> RunAsync(CancellationToken cancellationToken)
    {
        var due = await index.ListDueAsync(time.GetUtcNow(), MaxEntriesPerTick, cancellationToken);
        // One post can have several due entries (say its first one and the one a crashed claim left): one worker per
        // post takes them in turn, so the later ones find the work done and only tidy up.
        var byPost = due.GroupBy(e => e.Row, StringComparer.Ordinal).ToList();
        var attempts = 0;
        await Parallel.ForEachAsync(byPost, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency, CancellationToken = cancellationToken }, async (entries, ct) =>
        {
            foreach (var entry in entries)
            {
                try
                {
                    Interlocked.Add(ref attempts, await DispatchAsync(entry, ct));
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The entry stays where it is, so the next tick tries it again.
                    LogEntryFailed(logger, e, entry.Scope.PartitionKey, entry.PostId);
                }
            }
        });
        return new DispatchResult(due.Count, byPost.Count, attempts);
    }

    /// <summary>
    /// Publishes one post at once (a <see cref="PublishNowMessage"/>), exactly as a tick would handle its index entry in
    /// <paramref name="bucket"/>: the same re-read, claim and settling, so it races the timer and other messages safely.
    /// Returns the number of platform attempts made; a failure throws, and the queue or the next tick tries again.
    /// </summary>
    public Task<int> PublishAsync(Scope scope, string postId, string bucket, CancellationToken cancellationToken) =>
        DispatchAsync(new DueEntry(bucket, scope, postId), cancellationToken);

    /// <summary>Handles one index entry; returns the number of platform attempts made.</summary>
    private async Task<int> DispatchAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        // Another dispatcher that claimed first, or an edit, makes the claim lose its race: decided again on the fresh row.
        if (await conflicts.RunAsync(() => ClaimAsync(entry, cancellationToken)) is not { } claim)
        {
            return 0;
        }

        // The accounts of one post are published side by side: one claim covers them all, so the whole post must
        // finish within one ClaimTimeout, and each attempt is bounded by its own timeouts.
        await Task.WhenAll(claim.Post.States.Where(s => claim.Due.Contains(s.AccountId)).Select(async state =>
        {
            var attemptedAt = time.GetUtcNow();
            var outcome = await AttemptAsync(entry.Scope, claim.Post, state, cancellationToken);
            await RecordAsync(entry.Scope, claim.Post.Id, state.AccountId, claim.Id, attemptedAt, outcome, cancellationToken);
        }));

        await SettleAsync(entry, claim.Until, cancellationToken);
        return claim.Due.Count;
    }

    /// <summary>Claims the post's due account states, or tidies the entry and returns null when nothing is due now.</summary>
    private async Task<Claim?> ClaimAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var stored = await posts.GetAsync(entry.Scope, entry.PostId, cancellationToken);
        var now = time.GetUtcNow();
        if (stored is null && PendingWrites.MayStillLand(entry.WrittenAt, now))
        {
            // The entry is written before the post: a create may still be on its way. The next tick looks again.
            return null;
        }

        var next = stored is null ? null : NextWork(stored.Post, now);
        if (next is null)
        {
            // Deleted (or never written), or nothing left to publish (posted, failed, a draft): the entry is stale.
            await index.RemoveAsync(entry.Bucket, entry.Scope, entry.PostId, cancellationToken);
            return null;
        }

        if (next > now)
        {
            // Rescheduled, waiting for a retry, or claimed by a live dispatcher: look again then.
            await MoveAsync(entry, next.Value, cancellationToken);
            return null;
        }

        var post = stored!.Post;
        if (!post.MediaState.Ready)
        {
            if (now - post.UpdatedAt < options.Value.MediaGiveUpAfter)
            {
                await MoveAsync(entry, now + options.Value.MediaWaitDelay, cancellationToken);
                return null;
            }

            await posts.UpdateAsync(entry.Scope, stored, post.WithMediaFailed(
                $"media_unreachable: the media was not processed within {options.Value.MediaGiveUpAfter}; edit or retry the post to fetch it again"),
                cancellationToken);
            await index.RemoveAsync(entry.Bucket, entry.Scope, entry.PostId, cancellationToken);
            return null;
        }

        var claimId = Guid.NewGuid().ToString("N");
        var claimedUntil = now + options.Value.ClaimTimeout;
        var due = post.States.Where(s => IsDue(post, s, now)).Select(s => s.AccountId).ToHashSet(StringComparer.Ordinal);
        var claimed = post with
        {
            States = [.. post.States.Select(s => due.Contains(s.AccountId)
                ? s with { Publishing = (s.Publishing ?? new PublishProgress(null, null, null, null)) with { ClaimId = claimId, ClaimedUntil = claimedUntil } }
                : s)],
        };

        // The entry that recovers the claim if this process dies goes in first.
        await index.AddAsync(entry.Scope, post.Id, claimedUntil, cancellationToken);
        stored = await posts.UpdateAsync(entry.Scope, stored, claimed, cancellationToken);
        return new Claim(stored.Post, claimId, claimedUntil, due);
    }

    /// <summary>Leaves exactly the index entry the post needs now (none, or one at its next work) after a dispatch.</summary>
    private async Task SettleAsync(DueEntry entry, DateTimeOffset claimedUntil, CancellationToken cancellationToken)
    {
        var stored = await posts.GetAsync(entry.Scope, entry.PostId, cancellationToken);
        var next = stored is null ? null : NextWork(stored.Post, time.GetUtcNow());
        var keep = next is { } n ? PostSchedule.Bucket(n) : null;
        if (next is { } at)
        {
            await index.AddAsync(entry.Scope, entry.PostId, at, cancellationToken);
        }

        foreach (var bucket in new[] { entry.Bucket, PostSchedule.Bucket(claimedUntil) }.Distinct(StringComparer.Ordinal).Where(b => b != keep))
        {
            await index.RemoveAsync(bucket, entry.Scope, entry.PostId, cancellationToken);
        }
    }

    private async Task MoveAsync(DueEntry entry, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await index.AddAsync(entry.Scope, entry.PostId, at, cancellationToken);
        if (PostSchedule.Bucket(at) != entry.Bucket)
        {
            await index.RemoveAsync(entry.Bucket, entry.Scope, entry.PostId, cancellationToken);
        }
    }

    /// <summary>When the post next needs the publisher: the earliest due time of its unpublished states, or null.</summary>
    internal static DateTimeOffset? NextWork(Post post, DateTimeOffset now) =>
        post.States.Where(IsPublishable).Select(s => (DateTimeOffset?)DueAt(post, s, now)).Min();

    private static bool IsDue(Post post, AccountState state, DateTimeOffset now) => IsPublishable(state) && DueAt(post, state, now) <= now;

    private static bool IsPublishable(AccountState state) => state.Status is PostStatus.Pending or PostStatus.Scheduled or PostStatus.Retry;

    /// <summary>A live claim holds the state until it expires; an expired one (its dispatcher died) is due at once.</summary>
    private static DateTimeOffset DueAt(Post post, AccountState state, DateTimeOffset now) => state.Publishing switch
    {
        { ClaimedUntil: { } until } => until > now ? until : now,
        { NextAttemptAt: { } next } => next,
        _ => post.DueAt,
    };

    private async Task<PublishOutcome> AttemptAsync(Scope scope, Post post, AccountState state, CancellationToken cancellationToken)
    {
        var publisher = publishers.FirstOrDefault(p => p.Platform == state.Platform);
        var account = await accounts.GetAsync(scope, state.AccountId, cancellationToken);
        if (publisher is null || account is null)
        {
            return PublishOutcome.Permanent(account is null ? "The account no longer exists" : $"No connector for {state.Platform.ToWire()}");
        }

        if (account.Status != AccountStatus.Active)
        {
            return PublishOutcome.Permanent($"The account is {account.Status.ToWire()}");
        }

        var (token, missing) = await credentials.GetAsync(scope, account, cancellationToken);
        if (token is null)
        {
            return PublishOutcome.Permanent(missing!);
        }

        var urls = await media.UrlsAsync(post, cancellationToken);
        var videoBlob = post.Media.Type == MediaType.Video && post.MediaState.Blobs is { Count: > 0 } blobs ? blobs[0] : null;
        var request = new PublishRequest(post.Caption, post.Media with { Urls = urls }, token.AccessToken, token.PlatformUserId, account.Username, state.Publishing?.PlatformJobId, videoBlob,
            (jobId, ct) => KeepJobAsync(scope, post.Id, state.AccountId, state.Publishing?.ClaimId, jobId, ct));
        try
        {
            var outcome = await publisher.PublishAsync(request, cancellationToken);
            if (outcome.Kind == PublishOutcomeKind.Unauthorized && token.Stored is not null)
            {
                // Once: a refreshed token that is refused as well means the account's authorization is gone.
                if (await credentials.RefreshAsync(scope, account.Id, token, publisher, cancellationToken) is not { } refreshed)
                {
                    return PublishOutcome.Permanent($"Credentials revoked or expired and the token refresh was refused: {outcome.Message}");
                }

                outcome = await publisher.PublishAsync(request with { AccessToken = refreshed.AccessToken }, cancellationToken);
            }

            return outcome;
        }
        catch (HttpRequestException e)
        {
            return PublishOutcome.Transient($"{account.Platform.ToWire()} could not be reached: {e.Message}");
        }
        catch (TimeoutRejectedException)
        {
            return PublishOutcome.Transient($"{account.Platform.ToWire()} did not answer in time");
        }
    }

    /// <summary>
    /// Records the platform job an attempt started, while this dispatcher still holds the claim: a dispatcher that takes
    /// the state over after a crash then polls that job, and the post is not published a second time. What remains is
    /// the moment between the platform starting the job and this write.
    /// </summary>
    private Task KeepJobAsync(Scope scope, string postId, string accountId, string? claimId, string jobId, CancellationToken cancellationToken) =>
        conflicts.RunAsync(async () =>
        {
            var stored = await posts.GetAsync(scope, postId, cancellationToken);
            if (stored?.Post.States.FirstOrDefault(s => s.AccountId == accountId) is not { Publishing: { } progress } state || progress.ClaimId != claimId)
            {
                return;
            }

            var kept = state with { Publishing = progress with { PlatformJobId = jobId } };
            await posts.UpdateAsync(scope, stored, stored.Post with { States = [.. stored.Post.States.Select(s => s.AccountId == accountId ? kept : s)] }, cancellationToken);
        });

    /// <summary>
    /// Writes one attempt's result, if this dispatcher still holds the claim, and re-derives the post status with it. The
    /// results of a post's accounts land at the same moment: each one that loses the race is applied to the fresh row.
    /// </summary>
    private Task RecordAsync(
        Scope scope, string postId, string accountId, string claimId, DateTimeOffset attemptedAt, PublishOutcome outcome, CancellationToken cancellationToken) =>
        conflicts.RunAsync(async () =>
        {
            var stored = await posts.GetAsync(scope, postId, cancellationToken);
            var state = stored?.Post.States.FirstOrDefault(s => s.AccountId == accountId);
            if (stored is null || state?.Publishing?.ClaimId != claimId)
            {
                // Deleted, edited or taken over while the platform call ran; the post row no longer expects this result.
                LogClaimLost(logger, scope.PartitionKey, postId, accountId, outcome.Kind);
                return;
            }

            var updated = Apply(state, attemptedAt, outcome);
            if (updated.Publishing?.NextAttemptAt is { } retryAt)
            {
                await index.AddAsync(scope, postId, retryAt, cancellationToken);
            }

            if (outcome.Kind == PublishOutcomeKind.Published && outcome.PlatformPostId is { } platformPostId)
            {
                // Linked before the post says posted (an idempotent upsert): analytics then always finds a published post's
                // platform id, and a link written for a result that loses its claim still names a real platform post.
                await platformPosts.LinkAsync(scope, state.Platform, platformPostId, postId, stored.Post.ExternalId, cancellationToken);
            }

            var post = stored.Post with { States = [.. stored.Post.States.Select(s => s.AccountId == accountId ? updated : s)] };
            await posts.UpdateAsync(scope, stored, post, cancellationToken);
            LogResult(logger, scope.PartitionKey, postId, accountId, updated.Status, outcome.Message);
        });

    private AccountState Apply(AccountState state, DateTimeOffset attemptedAt, PublishOutcome outcome)
    {
        var now = time.GetUtcNow();
        var attempted = state with { LastAttemptedAt = attemptedAt, Attempts = state.Attempts + 1, Publishing = null };
        switch (outcome.Kind)
        {
            case PublishOutcomeKind.Published:
                return attempted with { Status = PostStatus.Posted, PublishedAt = now, PublishedUrl = outcome.Url, PlatformPostId = outcome.PlatformPostId, ErrorMessage = null };
            case PublishOutcomeKind.Transient or PublishOutcomeKind.Processing when attempted.Attempts < options.Value.MaxAttempts:
                // A platform job already under way is polled next time, never started again.
                var job = outcome.JobId ?? state.Publishing?.PlatformJobId;
                return attempted with
                {
                    Status = PostStatus.Retry,
                    ErrorMessage = outcome.Message,
                    Publishing = new PublishProgress(null, null, now + Backoff(options.Value, attempted.Attempts, Random.Shared.NextDouble()), job),
                };
            case PublishOutcomeKind.Transient or PublishOutcomeKind.Processing:
                return attempted with { Status = PostStatus.Failed, ErrorMessage = $"{outcome.Message} (gave up after {attempted.Attempts} attempts)" };
            default:
                return attempted with { Status = PostStatus.Failed, ErrorMessage = outcome.Message };
        }
    }

    /// <summary>
    /// Exponential backoff with "equal jitter": after <paramref name="attempts"/> attempts the base delay doubled
    /// attempts − 1 times (at most the maximum), half of it fixed and half scaled by <paramref name="jitter"/> (0 to 1),
    /// so retries of many posts spread out.
    /// </summary>
    internal static TimeSpan Backoff(PublishingOptions options, int attempts, double jitter)
    {
        // Doubled step by step up to the maximum, so no attempt count can overflow the ticks.
        var max = options.RetryMaxDelay.Ticks;
        var ticks = Math.Min(options.RetryBaseDelay.Ticks, max);
        for (var i = 1; i < attempts && ticks < max; i++)
        {
            ticks = ticks > max / 2 ? max : ticks * 2;
        }

        return TimeSpan.FromTicks((ticks / 2) + (long)(jitter * (ticks / 2)));
    }

    /// <summary>A post whose <see cref="Due"/> account states this dispatcher holds until <see cref="Until"/>.</summary>
    private sealed record Claim(Post Post, string Id, DateTimeOffset Until, IReadOnlySet<string> Due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching post {PostId} of {Scope} failed; the next tick tries again")]
    private static partial void LogEntryFailed(ILogger logger, Exception exception, string scope, string postId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result {Outcome} for post {PostId} of {Scope}, account {AccountId}, dropped: the claim is gone")]
    private static partial void LogClaimLost(ILogger logger, string scope, string postId, string accountId, PublishOutcomeKind outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Post {PostId} of {Scope}, account {AccountId}: {Status} {Message}")]
    private static partial void LogResult(ILogger logger, string scope, string postId, string accountId, PostStatus status, string? message);
}
