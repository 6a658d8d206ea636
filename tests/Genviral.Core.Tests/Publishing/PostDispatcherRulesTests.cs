using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;

namespace Genviral.Core.Tests.Publishing;

/// <summary>When the dispatcher next needs a post, and how long it waits between attempts.</summary>
public sealed class PostDispatcherRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly PublishingOptions Options = new() { RetryBaseDelay = TimeSpan.FromMinutes(1), RetryMaxDelay = TimeSpan.FromHours(1) };

    [Fact]
    public void NextWork_PendingPost_IsDueAtItsLastChange()
    {
        var post = Post(scheduledAt: null, State(PostStatus.Pending));

        Assert.Equal(post.UpdatedAt, PostDispatcher.NextWork(post, Now));
    }

    [Fact]
    public void NextWork_ScheduledPost_IsDueAtItsSchedule()
    {
        var post = Post(scheduledAt: Now.AddHours(3), State(PostStatus.Scheduled));

        Assert.Equal(Now.AddHours(3), PostDispatcher.NextWork(post, Now));
    }

    [Theory]
    [InlineData(PostStatus.Posted)]
    [InlineData(PostStatus.Failed)]
    [InlineData(PostStatus.Draft)]
    public void NextWork_NothingPublishable_IsNull(PostStatus status)
    {
        Assert.Null(PostDispatcher.NextWork(Post(null, State(status), State(PostStatus.Posted)), Now));
    }

    [Fact]
    public void NextWork_RetryWaiting_IsItsNextAttempt()
    {
        var post = Post(null, State(PostStatus.Retry, new PublishProgress(null, null, Now.AddMinutes(7), null)));

        Assert.Equal(Now.AddMinutes(7), PostDispatcher.NextWork(post, Now));
    }

    [Fact]
    public void NextWork_LiveClaim_IsWhenTheClaimEnds()
    {
        var post = Post(null, State(PostStatus.Pending, new PublishProgress("c", Now.AddMinutes(15), Now.AddMinutes(1), null)));

        Assert.Equal(Now.AddMinutes(15), PostDispatcher.NextWork(post, Now));
    }

    [Fact]
    public void NextWork_ExpiredClaim_IsNow()
    {
        var post = Post(Now.AddHours(5), State(PostStatus.Scheduled, new PublishProgress("c", Now.AddSeconds(-1), null, null)));

        Assert.Equal(Now, PostDispatcher.NextWork(post, Now));
    }

    [Fact]
    public void NextWork_SeveralStates_IsTheEarliest()
    {
        var post = Post(null,
            State(PostStatus.Retry, new PublishProgress(null, null, Now.AddMinutes(30), null)),
            State(PostStatus.Posted),
            State(PostStatus.Retry, new PublishProgress(null, null, Now.AddMinutes(2), null)));

        Assert.Equal(Now.AddMinutes(2), PostDispatcher.NextWork(post, Now));
    }

    [Theory]
    [InlineData(1, 0.0, 30)]
    [InlineData(1, 0.5, 45)]
    [InlineData(2, 0.0, 60)]
    [InlineData(3, 0.5, 180)]
    [InlineData(6, 0.0, 960)]
    [InlineData(7, 0.0, 1800)]
    [InlineData(7, 1.0, 3600)]
    [InlineData(20, 0.0, 1800)]
    public void Backoff_Attempts_DoublesWithHalfJitterUpToTheMaximum(int attempts, double jitter, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), PostDispatcher.Backoff(Options, attempts, jitter));
    }

    [Fact]
    public void Backoff_ManyAttemptsOfALongBase_StaysAtTheMaximum()
    {
        var options = new PublishingOptions { RetryBaseDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromDays(1) };

        Assert.Equal(TimeSpan.FromDays(1), PostDispatcher.Backoff(options, 64, 1.0));
    }

    private static Post Post(DateTimeOffset? scheduledAt, params AccountState[] states) => new(
        "p1", "Hi", new PostMedia(MediaType.Video, ["https://cdn.example.com/a.mp4"]), null, scheduledAt, Now.AddMinutes(-10), Now.AddMinutes(-5), null,
        scheduledAt is null ? PostStatus.Pending : PostStatus.Scheduled, states, new MediaState("v", true, false));

    private static AccountState State(PostStatus status, PublishProgress? progress = null) =>
        new(Guid.NewGuid().ToString(), Platform.Tiktok, AccountType.Hosted, status, Publishing: progress);
}
