using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Publishing;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Testing;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Tests.Posts;

/// <summary>
/// PostService against Azurite: how a patch by id ends when other writers keep changing the post, and the order of a
/// create's writes (the due entry and the media message before the post's transaction, and only when the idempotency
/// claim names no post yet).
/// </summary>
public sealed class PostServiceTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly Scope _scope = Scope.Workspace(Guid.NewGuid().ToString());
    private readonly RacingClock _clock = new();
    private StorageClients _storage = null!;
    private PostStore _posts = null!;
    private int _retries;
    private PostService _service = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = await TestStorage.CreateAsync(_prefix);
        _posts = new PostStore(_storage);
        _retries = _storage.Conflicts.Retries;
        _service = Service(_storage);
    }

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task UpdateAsync_PostKeepsChangingWithoutIfMatch_ThrowsWriteConflictAfterTheConfiguredRetries()
    {
        var id = await CreateAsync();
        _clock.RivalWins(int.MaxValue, () => TouchAsync(id));

        var error = await Assert.ThrowsAsync<WriteConflictException>(() => _service.UpdateAsync(_scope, id, Caption("mine"), null, Ct));

        Assert.Equal(_retries + 1, error.Attempts);
        Assert.Equal(_retries + 1, _clock.Stamps);
        Assert.Equal("Hello", (await _posts.GetAsync(_scope, id, Ct))!.Post.Caption);
    }

    [Fact]
    public async Task UpdateAsync_PostChangesOnceWithoutIfMatch_IsAppliedOnTopOfTheChange()
    {
        var id = await CreateAsync();
        _clock.RivalWins(1, () => TouchAsync(id));

        var result = await _service.UpdateAsync(_scope, id, Caption("mine"), "", Ct);

        Assert.Equal(UpdateOutcome.Updated, result.Outcome);
        Assert.Equal(2, _clock.Stamps);
        var stored = (await _posts.GetAsync(_scope, id, Ct))!;
        Assert.Equal("mine", stored.Post.Caption);
        Assert.Equal(stored.ETag, result.Post!.ETag);
    }

    [Fact]
    public async Task UpdateAsync_PostChangesUnderIfMatchStar_IsPreconditionFailedWithoutRetrying()
    {
        var id = await CreateAsync();
        _clock.RivalWins(1, () => TouchAsync(id));

        var result = await _service.UpdateAsync(_scope, id, Caption("mine"), "*", Ct);

        Assert.Equal(UpdateOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(1, _clock.Stamps);
    }

    [Fact]
    public async Task UpdateAsync_StaleIfMatch_IsPreconditionFailedBeforeAnyWrite()
    {
        var id = await CreateAsync();
        var read = (await _posts.GetAsync(_scope, id, Ct))!.ETag.ToString();
        await TouchAsync(id);

        var result = await _service.UpdateAsync(_scope, id, Caption("mine"), read, Ct);

        Assert.Equal(UpdateOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(0, _clock.Stamps);
    }

    [Fact]
    public async Task UpdateAsync_PostedPost_IsNotEditableNamingItsStatus()
    {
        var id = await CreateAsync();
        var stored = (await _posts.GetAsync(_scope, id, Ct))!;
        await _posts.UpdateAsync(_scope, stored, stored.Post with { States = [.. stored.Post.States.Select(s => s with { Status = PostStatus.Posted })] }, Ct);

        var result = await _service.UpdateAsync(_scope, id, Caption("mine"), null, Ct);

        Assert.Equal(UpdateOutcome.NotEditable, result.Outcome);
        Assert.Equal(PostRejectionKind.ValidationFailed, result.Rejection!.Kind);
        Assert.Equal("A posted post cannot be edited", result.Rejection.Message);
        Assert.Equal([new RuleIssue("status", "Post is posted")], result.Rejection.Issues);
    }

    [Fact]
    public async Task UpdateAsync_OtherScope_IsNotFound()
    {
        var id = await CreateAsync();

        var result = await _service.UpdateAsync(Scope.Personal("someone"), id, Caption("mine"), null, Ct);

        Assert.Equal(UpdateOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task CreateAsync_TransactionNeverLands_DueEntryAndMediaMessageAreWrittenAlready()
    {
        var rival = new RivalWriter(_storage);
        var contended = rival.Contended(new StorageOptions { ConnectionString = TestStorage.ConnectionString, Prefix = _prefix, ConflictRetries = 1 });
        rival.Touches(StorageNames.PostsTable, _scope.PartitionKey, [.. Enumerable.Range(0, PostKeys.CounterShards).Select(PostKeys.Counter)]);

        await Assert.ThrowsAsync<WriteConflictException>(() => Service(contended).CreateAsync(_scope, ByoContent(), null, null, Ct));

        var entry = Assert.Single(await DueAsync());
        Assert.Null(await _posts.GetAsync(_scope, entry.PostId, Ct));
        Assert.Contains(entry.PostId, Assert.Single(await MediaMessagesAsync()).MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Replay_WritesNoSecondDueEntryOrMediaMessage()
    {
        var claim = new IdempotencyClaim(false, "key-1", "fingerprint", TimeProvider.System.GetUtcNow().AddHours(1));
        var first = await _service.CreateAsync(_scope, ByoContent(), null, claim, Ct);

        var replay = await _service.CreateAsync(_scope, ByoContent(), null, claim, Ct);

        Assert.Equal((CreateOutcome.Created, CreateOutcome.Duplicate), (first.Outcome, replay.Outcome));
        Assert.Equal(first.Post!.Post.Id, replay.Post!.Post.Id);
        Assert.Equal(first.Post.Post.Id, Assert.Single(await DueAsync()).PostId);
        Assert.Single(await MediaMessagesAsync());
    }

    private PostService Service(StorageClients storage) => new(
        new PostStore(storage), new PostSchedule(storage, TimeProvider.System), new MediaWork(storage), new PublishNow(storage, TimeProvider.System),
        new PostValidation(new AccountStore(storage, TimeProvider.System), new MediaAddressRule(Options.Create(new MediaOptions())), TimeProvider.System), storage.Conflicts, _clock);

    private static PostContent ByoContent() =>
        new("Hello", new PostMedia(MediaType.Video, ["https://cdn.example.com/clip.mp4"]), [new PostTarget("a1", Platform.Tiktok, AccountType.Byo)], null, PostStatus.Pending, null);

    private Task<IReadOnlyList<DueEntry>> DueAsync() => new PostSchedule(_storage, TimeProvider.System).ListDueAsync(TimeProvider.System.GetUtcNow().AddDays(1), 10, Ct);

    private async Task<Azure.Storage.Queues.Models.PeekedMessage[]> MediaMessagesAsync() =>
        (await _storage.Queue(StorageNames.MediaRehostQueue).PeekMessagesAsync(10, Ct)).Value;

    private async Task<string> CreateAsync()
    {
        var content = new PostContent("Hello", new PostMedia(MediaType.Video, ["https://cdn.example.com/clip.mp4"]),
            [new PostTarget("a1", Platform.Tiktok, AccountType.Hosted)], null, PostStatus.Pending, null);
        var created = await _service.CreateAsync(_scope, content, null, null, Ct);
        _clock.Reset();
        return created.Post!.Post.Id;
    }

    /// <summary>Another writer: stores the post again unchanged, which gives it a new ETag.</summary>
    private async Task TouchAsync(string id)
    {
        var stored = (await _posts.GetAsync(_scope, id, Ct))!;
        await _posts.UpdateAsync(_scope, stored, stored.Post, Ct);
    }

    private static PostRequest Caption(string caption)
    {
        using var body = JsonDocument.Parse(JsonSerializer.Serialize(new { caption }));
        return PostRequest.Parse(body.RootElement);
    }

    /// <summary>
    /// The service reads the clock once per write attempt (to stamp updated_at), after it has read the post; a rival
    /// writing at that moment makes the attempt lose the race, as a concurrent request would.
    /// </summary>
    private sealed class RacingClock : TimeProvider
    {
        private int _rivalWins;
        private Func<Task>? _rival;

        public int Stamps { get; private set; }

        public void RivalWins(int times, Func<Task> rival) => (_rivalWins, _rival) = (times, rival);

        public void Reset() => (Stamps, _rivalWins, _rival) = (0, 0, null);

        public override DateTimeOffset GetUtcNow()
        {
            Stamps++;
            if (_rival is not null && _rivalWins-- > 0)
            {
                Task.Run(_rival).GetAwaiter().GetResult();
            }

            return base.GetUtcNow();
        }
    }
}
