using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Tenancy;
using Genviral.Testing;

namespace Genviral.Core.Tests.Posts;

/// <summary>The posts table against Azurite: a post and its index rows and counters move together, and listings read ranges of keys.</summary>
public sealed class PostStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T = new(2026, 12, 2, 10, 0, 0, 250, TimeSpan.Zero);
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly Scope _scope = Scope.Workspace(Guid.NewGuid().ToString());
    private PostStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _store = new PostStore(await TestStorage.CreateAsync(_prefix));

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task CreateAsync_ThenGetAsync_ReadsThePostBack()
    {
        var post = NewPost(T, PostStatus.Scheduled) with { ScheduledAt = T.AddHours(1), MusicUrl = "https://www.tiktok.com/@a/video/1", ExternalId = "e-1" };

        var created = await CreateAsync(post);
        var read = await _store.GetAsync(_scope, post.Id, Ct);

        Assert.Equal(CreateOutcome.Created, created.Outcome);
        Assert.NotNull(read);
        Assert.Equal(created.Post!.ETag, read.ETag);
        Assert.Equal((post.Caption, post.ScheduledAt, post.CreatedAt, post.MusicUrl, post.ExternalId), (read.Post.Caption, read.Post.ScheduledAt, read.Post.CreatedAt, read.Post.MusicUrl, read.Post.ExternalId));
        Assert.Equal(post.Media, read.Post.Media);
        Assert.Equal(post.States, read.Post.States);
        Assert.Equal(PostStatus.Scheduled, read.Post.Status);
    }

    [Fact]
    public async Task GetAsync_OtherScopeOrNotAGuid_IsNull()
    {
        var post = NewPost(T);
        await CreateAsync(post);

        Assert.Null(await _store.GetAsync(Scope.Workspace(Guid.NewGuid().ToString()), post.Id, Ct));
        Assert.Null(await _store.GetAsync(_scope, "post|" + post.Id, Ct));
    }

    [Fact]
    public async Task ListAsync_NewestFirstWithinInclusiveBounds()
    {
        var posts = new List<Post>();
        for (var i = 0; i < 5; i++)
        {
            posts.Add(NewPost(T.AddMinutes(i)));
            await CreateAsync(posts[^1]);
        }

        var all = await _store.ListAsync(_scope, null, null, null, null, 0, 10, Ct);
        var bounded = await _store.ListAsync(_scope, null, T.AddMinutes(1), T.AddMinutes(3), null, 0, 10, Ct);

        Assert.Equal(posts.Select(p => p.Id).Reverse(), all.Posts.Select(p => p.Id));
        Assert.Null(all.LastRowKey);
        Assert.Equal([posts[3].Id, posts[2].Id, posts[1].Id], bounded.Posts.Select(p => p.Id));
    }

    [Fact]
    public async Task ListAsync_PagesByCursorAndByOffset_SeeEachPostOnce()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var post = NewPost(T.AddSeconds(i));
            await CreateAsync(post);
            ids.Insert(0, post.Id);
        }

        var first = await _store.ListAsync(_scope, null, null, null, null, 0, 2, Ct);
        var second = await _store.ListAsync(_scope, null, null, null, first.LastRowKey, 0, 2, Ct);
        var third = await _store.ListAsync(_scope, null, null, null, second.LastRowKey, 0, 2, Ct);
        var byOffset = await _store.ListAsync(_scope, null, null, null, null, 2, 2, Ct);

        Assert.Equal(ids, first.Posts.Concat(second.Posts).Concat(third.Posts).Select(p => p.Id));
        Assert.Null(third.LastRowKey);
        Assert.Equal(second.Posts.Select(p => p.Id), byOffset.Posts.Select(p => p.Id));
    }

    [Fact]
    public async Task UpdateAsync_StatusChange_MovesTheIndexRowAndTheCounters()
    {
        var post = NewPost(T);
        var created = (await CreateAsync(post)).Post!;
        await CreateAsync(NewPost(T.AddMinutes(1)));

        var posted = post with { States = [.. post.States.Select(s => s with { Status = PostStatus.Posted })] };
        await _store.UpdateAsync(_scope, created, posted, Ct);

        var pending = await _store.ListAsync(_scope, PostStatus.Pending, null, null, null, 0, 10, Ct);
        var done = await _store.ListAsync(_scope, PostStatus.Posted, null, null, null, 0, 10, Ct);
        var summary = await _store.GetSummaryAsync(_scope, Ct);
        Assert.DoesNotContain(pending.Posts, p => p.Id == post.Id);
        Assert.Equal([post.Id], done.Posts.Select(p => p.Id));
        Assert.Equal(PostStatus.Posted, done.Posts[0].Status);
        Assert.Equal((2, 1, 1), (summary.Total, summary.Count(PostStatus.Pending), summary.Count(PostStatus.Posted)));
    }

    [Fact]
    public async Task UpdateAsync_StaleETag_ThrowsAndChangesNothing()
    {
        var post = NewPost(T);
        var created = (await CreateAsync(post)).Post!;
        await _store.UpdateAsync(_scope, created, post with { Caption = "first" }, Ct);

        await Assert.ThrowsAsync<PostChangedException>(() => _store.UpdateAsync(_scope, created, post with { Caption = "second" }, Ct));

        Assert.Equal("first", (await _store.GetAsync(_scope, post.Id, Ct))!.Post.Caption);
        Assert.Equal(1, (await _store.GetSummaryAsync(_scope, Ct)).Total);
    }

    [Fact]
    public async Task DeleteAsync_RemovesThePostFromEveryListAndCounter()
    {
        var post = NewPost(T);
        var created = (await CreateAsync(post)).Post!;

        await _store.DeleteAsync(_scope, created, Ct);

        Assert.Null(await _store.GetAsync(_scope, post.Id, Ct));
        Assert.Empty((await _store.ListAsync(_scope, null, null, null, null, 0, 10, Ct)).Posts);
        Assert.Empty((await _store.ListAsync(_scope, PostStatus.Pending, null, null, null, 0, 10, Ct)).Posts);
        Assert.Equal(0, (await _store.GetSummaryAsync(_scope, Ct)).Total);
    }

    [Fact]
    public async Task CreateAsync_SameClaim_IsADuplicateOrAConflictByFingerprint()
    {
        var claim = new IdempotencyClaim(true, "campaign-1", "fingerprint-a", null);
        var original = NewPost(T);
        await CreateAsync(original, claim);

        var replay = await CreateAsync(NewPost(T.AddSeconds(1)), claim);
        var different = await CreateAsync(NewPost(T.AddSeconds(2)), claim with { Fingerprint = "fingerprint-b" });

        Assert.Equal(CreateOutcome.Duplicate, replay.Outcome);
        Assert.Equal(original.Id, replay.Post!.Post.Id);
        Assert.Equal(CreateOutcome.Conflict, different.Outcome);
        Assert.Equal(1, (await _store.GetSummaryAsync(_scope, Ct)).Total);
    }

    [Fact]
    public async Task CreateAsync_ExpiredHeaderClaim_CreatesANewPost()
    {
        var claim = new IdempotencyClaim(false, "header-key", "fingerprint", T.AddHours(24));
        var first = NewPost(T);
        await CreateAsync(first, claim);

        var later = NewPost(T.AddHours(25));
        var result = await CreateAsync(later, claim with { ExpiresAt = T.AddHours(49) });

        Assert.Equal(CreateOutcome.Created, result.Outcome);
        Assert.Equal(later.Id, result.Post!.Post.Id);
        Assert.Equal(2, (await _store.GetSummaryAsync(_scope, Ct)).Total);
    }

    private async Task<CreateResult> CreateAsync(Post post, IdempotencyClaim? claim = null)
    {
        var pending = await _store.BeginCreateAsync(_scope, post, claim, Ct);
        return pending.Existing ?? await _store.CreateAsync(pending, Ct);
    }

    private static Post NewPost(DateTimeOffset createdAt, PostStatus prePublish = PostStatus.Pending) => new(
        Guid.NewGuid().ToString(), "Hello", new PostMedia(MediaType.Video, ["https://cdn.example.com/clip.mp4"]), null, null, createdAt, createdAt, null,
        prePublish, [new AccountState(Guid.NewGuid().ToString(), Platform.Tiktok, AccountType.Hosted, prePublish)], new MediaState("v1", true, false));
}
