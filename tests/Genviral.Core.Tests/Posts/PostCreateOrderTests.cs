using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Testing;

namespace Genviral.Core.Tests.Posts;

/// <summary>
/// The order of a create's writes, which PostService owns: the due entry and the media message go before the post's
/// transaction, and only when the idempotency claim names no post yet. Against Azurite.
/// </summary>
public sealed class PostCreateOrderTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly Scope _scope = Scope.Workspace(Guid.NewGuid().ToString());
    private StorageClients _storage = null!;
    private RivalWriter _rival = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = await TestStorage.CreateAsync(_prefix);
        _rival = new RivalWriter(_storage);
    }

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task CreateAsync_TransactionNeverLands_DueEntryAndMediaMessageAreWrittenAlready()
    {
        var contended = _rival.Contended(new StorageOptions { ConnectionString = TestStorage.ConnectionString, Prefix = _prefix, ConflictRetries = 1 });
        _rival.Touches(StorageNames.PostsTable, _scope.PartitionKey, [.. Enumerable.Range(0, PostKeys.CounterShards).Select(PostKeys.Counter)]);

        await Assert.ThrowsAsync<WriteConflictException>(() => Service(contended).CreateAsync(_scope, Content(), null, null, Ct));

        var entry = Assert.Single(await DueAsync());
        Assert.Null(await new PostStore(_storage).GetAsync(_scope, entry.PostId, Ct));
        var message = Assert.Single((await _storage.Queue(StorageNames.MediaRehostQueue).PeekMessagesAsync(10, Ct)).Value);
        Assert.Contains(entry.PostId, message.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Replay_WritesNoSecondDueEntryOrMediaMessage()
    {
        var claim = new IdempotencyClaim(false, "key-1", "fingerprint", TimeProvider.System.GetUtcNow().AddHours(1));
        var first = await Service(_storage).CreateAsync(_scope, Content(), null, claim, Ct);

        var replay = await Service(_storage).CreateAsync(_scope, Content(), null, claim, Ct);

        Assert.Equal((CreateOutcome.Created, CreateOutcome.Duplicate), (first.Outcome, replay.Outcome));
        Assert.Equal(first.Post!.Post.Id, replay.Post!.Post.Id);
        Assert.Equal(first.Post.Post.Id, Assert.Single(await DueAsync()).PostId);
        Assert.Single((await _storage.Queue(StorageNames.MediaRehostQueue).PeekMessagesAsync(10, Ct)).Value);
    }

    private Task<IReadOnlyList<DueEntry>> DueAsync() => new PostSchedule(_storage).ListDueAsync(TimeProvider.System.GetUtcNow().AddDays(1), 10, Ct);

    private static PostContent Content() =>
        new("Hello", new PostMedia(MediaType.Video, ["https://cdn.example.com/clip.mp4"]), [new PostTarget("a1", Platform.Tiktok, AccountType.Byo)], null, PostStatus.Pending, null);

    private static PostService Service(StorageClients storage) => new(
        new PostStore(storage), new PostSchedule(storage), new MediaWork(storage),
        new PostValidation(new AccountStore(storage, TimeProvider.System), TimeProvider.System), storage.Conflicts, TimeProvider.System);
}
