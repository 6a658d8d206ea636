using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Media;

/// <summary>
/// As the Functions host delivers media work: the message the API queued, one invocation of RehostMedia per delivery
/// with the dequeue count the worker binds. A thrown exception is a failed invocation, which the host retries.
/// </summary>
public sealed class MediaInvocationTests(MediaInvocationFactory factory) : MediaTestBase(factory), IClassFixture<MediaInvocationFactory>
{
    [Fact]
    public async Task QueuedMessage_Invocation_RehostsTheMedia()
    {
        var bytes = Mp4(100_000);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        var queued = await QueuedMessageAsync(created.Post.Id);

        await Factory.RunQueueFunctionAsync("RehostMedia", queued, dequeueCount: 1);

        Assert.True((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Ready);
        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task ServerError_FailsTheInvocationSoTheHostRetries_AndTheLastAttemptFailsThePost()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Status(502)]);
        var queued = await QueuedMessageAsync(created.Post.Id);

        var first = await Record.ExceptionAsync(() => Factory.RunQueueFunctionAsync("RehostMedia", queued, dequeueCount: 1));

        Assert.NotNull(first);
        Assert.Equal(PostStatus.Pending, (await ReadAsync(tenant, created.Post.Id)).Post.Status);

        // Queues:MaxDequeueCount is 3 here: the third delivery is the last before the host moves the message to poison.
        var last = await Record.ExceptionAsync(() => Factory.RunQueueFunctionAsync("RehostMedia", queued, dequeueCount: 3));

        Assert.NotNull(last);
        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
    }

    [Fact]
    public async Task MalformedMessage_IsDroppedRatherThanRetried()
    {
        var failure = await Record.ExceptionAsync(() => Factory.RunQueueFunctionAsync("RehostMedia", "{\"scope\":1}", dequeueCount: 1));

        Assert.Null(failure);
    }

    private async Task<string> QueuedMessageAsync(string postId)
    {
        var queue = Factory.Storage.Queue(StorageNames.MediaRehostQueue);
        var messages = await queue.PeekMessagesAsync(32, Ct);
        return Assert.Single(messages.Value.Select(m => m.Body.ToString()), b => b.Contains(postId, StringComparison.Ordinal));
    }
}

/// <summary>Standalone: the app's own consumer takes the message the post write queued.</summary>
public sealed class MediaStandaloneTests(MediaStandaloneFactory factory) : MediaTestBase(factory), IClassFixture<MediaStandaloneFactory>
{
    [Fact]
    public async Task QueuedMessage_IsConsumed_AndTheMediaBecomesReady()
    {
        var bytes = Jpeg(80_000);
        var (tenant, created) = await CreatePostAsync(MediaType.Slideshow, [Source.Serve(bytes, "image/jpeg")]);

        Assert.True(await Poll.UntilAsync(async () => (await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Ready));

        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
        Assert.Single(await BlobsAsync(tenant));
    }

    [Fact]
    public async Task SourceAlwaysFailing_EndsInThePoisonQueue_WithThePostFailed()
    {
        var url = Source.Status(500);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        var poison = Factory.Storage.Queue(StorageNames.PoisonQueue(StorageNames.MediaRehostQueue));

        Assert.True(await Poll.UntilAsync(async () =>
            (await poison.PeekMessagesAsync(32, Ct)).Value.Any(m => m.Body.ToString().Contains(created.Post.Id, StringComparison.Ordinal))));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
        Assert.Equal(2, Source.Requests(url).Count);
    }

    [Fact]
    public async Task FetchOutlastingTheProcessingLease_IsDeliveredOnce()
    {
        var bytes = Mp4(30_000, seed: 31);
        var url = Source.Route(async context =>
        {
            // Longer than Queues:ProcessingLease (6 s): only the consumer's extensions keep the message from a second delivery.
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            context.Response.ContentType = "video/mp4";
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        });
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        Assert.True(await Poll.UntilAsync(async () => (await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Ready, TimeSpan.FromSeconds(40)));

        Assert.Single(Source.Requests(url));
        var queue = Factory.Storage.Queue(StorageNames.MediaRehostQueue);
        Assert.True(await Poll.UntilAsync(async () => !(await queue.PeekMessagesAsync(32, Ct)).Value.Any(m => m.Body.ToString().Contains(created.Post.Id, StringComparison.Ordinal))));
    }
}
