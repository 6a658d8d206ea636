using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Genviral.Functions.Tests.Media;

/// <summary>Transient failures retried, the last attempt failing the post, and messages that arrive twice or too late.</summary>
public sealed class RetryAndIdempotencyTests(MediaFactory factory) : MediaTestBase(factory), IClassFixture<MediaFactory>
{
    [Fact]
    public async Task ServerError_IsThrownForRetry_ThenTheNextAttemptSucceeds()
    {
        var bytes = Mp4(10_000);
        var calls = 0;
        var url = Source.Route(async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            context.Response.ContentType = "video/mp4";
            await context.Response.Body.WriteAsync(bytes);
        });
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        await Assert.ThrowsAsync<HttpRequestException>(() => ProcessAsync(tenant, created.Post));

        var waiting = (await ReadAsync(tenant, created.Post.Id)).Post;
        Assert.Equal(PostStatus.Pending, waiting.Status);
        Assert.False(waiting.MediaState.Ready || waiting.MediaState.Failed);
        Assert.Empty(await BlobsAsync(tenant));

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));
        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task NotFound_FailsThePostAtOnce()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Status(404)]);

        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
        Assert.Contains("404", (await ReadAsync(tenant, created.Post.Id)).Post.States[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerError_OnTheLastAttempt_FailsThePostAndStillThrows()
    {
        var url = Source.Status(500);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);

        await Assert.ThrowsAsync<HttpRequestException>(() => ProcessAsync(tenant, created.Post, isLastAttempt: true));

        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
        Assert.Contains("500", (await ReadAsync(tenant, created.Post.Id)).Post.States[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateMessage_ChangesNothing()
    {
        var url = Source.Serve(Mp4(5000), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));
        var after = await ReadAsync(tenant, created.Post.Id);

        Assert.Equal(MediaOutcome.Dropped, await ProcessAsync(tenant, created.Post));

        Assert.Equal(after.ETag, (await ReadAsync(tenant, created.Post.Id)).ETag);
        Assert.Single(await BlobsAsync(tenant));
        Assert.Single(Source.Requests(url));
    }

    [Fact]
    public async Task DuplicateMessages_AtTheSameTime_StoreOneBlobAndChangeThePostOnce()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(Mp4(6 * 1024 * 1024), "video/mp4")]);

        var outcomes = await Task.WhenAll(ProcessAsync(tenant, created.Post), ProcessAsync(tenant, created.Post));

        Assert.Single(outcomes, MediaOutcome.Ready);
        Assert.Single(outcomes, MediaOutcome.Dropped);
        Assert.Single(await BlobsAsync(tenant));
        Assert.True((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Ready);
    }

    [Fact]
    public async Task CopyOfAMessage_WhileAnotherCopyRehosts_RetriesLaterWithoutFetching()
    {
        var url = Source.Serve(Mp4(20_000, seed: 21), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        var claimed = await ClaimAsync(tenant, created, "message-1", DateTimeOffset.UtcNow.AddMinutes(5));

        await Assert.ThrowsAsync<RetryLaterException>(() => ProcessAsync(tenant, created.Post, messageId: "message-2"));

        Assert.Empty(Source.Requests(url));
        Assert.Equal(claimed.ETag, (await ReadAsync(tenant, created.Post.Id)).ETag);
    }

    [Fact]
    public async Task CopyOfAMessage_OnItsLastAttemptWhileAnotherCopyRehosts_IsDroppedWithoutFailingThePost()
    {
        var url = Source.Serve(Mp4(20_000, seed: 22), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        var claimed = await ClaimAsync(tenant, created, "message-1", DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Equal(MediaOutcome.Dropped, await ProcessAsync(tenant, created.Post, isLastAttempt: true, messageId: "message-2"));

        Assert.Empty(Source.Requests(url));
        Assert.Equal(claimed.ETag, (await ReadAsync(tenant, created.Post.Id)).ETag);
        Assert.False((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Failed);
    }

    [Fact]
    public async Task MessageRedeliveredAfterItsConsumerDied_TakesOverItsOwnClaimAtOnce()
    {
        var bytes = Mp4(20_000, seed: 23);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        await ClaimAsync(tenant, created, "message-1", DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post, messageId: "message-1"));

        var media = (await ReadAsync(tenant, created.Post.Id)).Post.MediaState;
        Assert.Null(media.ClaimedBy);
        Assert.Null(media.ClaimedUntil);
        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task ExpiredClaimOfAnotherMessage_IsTakenOver()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(Mp4(20_000, seed: 24), "video/mp4")]);
        await ClaimAsync(tenant, created, "message-1", DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post, messageId: "message-2"));
    }

    [Fact]
    public async Task MessageForAPostNotWrittenYet_IsTriedAgainLater_AndDroppedOnceOld()
    {
        var tenant = await Factory.CreateTenantAsync();
        // The message is put before the post write: a consumer can be faster than that write.
        var message = new MediaWorkMessage(tenant.Scope.PartitionKey, Guid.NewGuid().ToString(), Guid.CreateVersion7().ToString("N"));

        await Assert.ThrowsAsync<RetryLaterException>(() => Pipeline.ProcessAsync(message, new QueueDelivery("message-1", DateTimeOffset.UtcNow, false), Ct));
        Assert.Equal(MediaOutcome.Dropped, await Pipeline.ProcessAsync(message, new QueueDelivery("message-1", DateTimeOffset.UtcNow.AddHours(-1), false), Ct));
        Assert.Equal(MediaOutcome.Dropped, await Pipeline.ProcessAsync(message, new QueueDelivery("message-1", DateTimeOffset.UtcNow, IsLastAttempt: true), Ct));
    }

    [Fact]
    public async Task MessageForMediaAnEditIsStillWriting_IsTriedAgainLater_ThenHandled()
    {
        var bytes = Mp4(20_000, seed: 25);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        var edited = created.Post with { MediaState = created.Post.MediaState with { Version = Guid.CreateVersion7().ToString("N") } };

        await Assert.ThrowsAsync<RetryLaterException>(() => ProcessAsync(tenant, edited, insertedOn: DateTimeOffset.UtcNow));
        await Posts.UpdateAsync(tenant.Scope, await ReadAsync(tenant, created.Post.Id), edited, Ct);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, edited, insertedOn: DateTimeOffset.UtcNow));
        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task YoungMessageForMediaAlreadyReplaced_IsDropped()
    {
        var url = Source.Serve(Mp4(20_000, seed: 26), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        var replaced = created.Post with { MediaState = created.Post.MediaState with { Version = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMinutes(-5)).ToString("N") } };

        Assert.Equal(MediaOutcome.Dropped, await ProcessAsync(tenant, replaced, insertedOn: DateTimeOffset.UtcNow));

        Assert.Empty(Source.Requests(url));
    }

    /// <summary>The post as a delivery that claimed its media (and may have died since) left it.</summary>
    private async Task<StoredPost> ClaimAsync(Tenant tenant, StoredPost post, string messageId, DateTimeOffset until)
    {
        var current = await ReadAsync(tenant, post.Post.Id);
        return await Posts.UpdateAsync(tenant.Scope, current, current.Post with { MediaState = current.Post.MediaState with { ClaimedBy = messageId, ClaimedUntil = until } }, Ct);
    }

    [Fact]
    public async Task FailedMedia_DuplicateMessage_ChangesNothing()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Status(404)]);
        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));
        var after = await ReadAsync(tenant, created.Post.Id);

        Assert.Equal(MediaOutcome.Dropped, await ProcessAsync(tenant, created.Post, isLastAttempt: true));

        Assert.Equal(after.ETag, (await ReadAsync(tenant, created.Post.Id)).ETag);
    }

    [Fact]
    public async Task PostEditedWhileTheMessageWaited_OldMessageIsDropped_NewOneRehostsTheNewMedia()
    {
        var oldUrl = Source.Serve(Mp4(3000, seed: 11), "video/mp4");
        var newBytes = Mp4(3000, seed: 12);
        var newUrl = Source.Serve(newBytes, "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [oldUrl]);
        var content = new PostContent("edited", new PostMedia(MediaType.Video, [newUrl]), [.. created.Post.States.Select(PostTarget.From)], null, PostStatus.Pending, null);
        var edited = await PostService.UpdateAsync(tenant.Scope, created, content, Ct);
        Assert.NotEqual(created.Post.MediaState.Version, edited.Post.MediaState.Version);

        Assert.Equal(MediaOutcome.Dropped, await ProcessAsync(tenant, created.Post));

        Assert.Empty(Source.Requests(oldUrl));
        Assert.Empty(await BlobsAsync(tenant));
        Assert.Equal(edited.ETag, (await ReadAsync(tenant, created.Post.Id)).ETag);

        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, edited.Post));
        Assert.Equal(newBytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task PostDeletedWhileTheMessageWaited_MessageIsDropped()
    {
        var url = Source.Serve(Mp4(3000), "video/mp4");
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        await PostService.DeleteAsync(tenant.Scope, created, Ct);

        Assert.Equal(MediaOutcome.Dropped, await ProcessAsync(tenant, created.Post));

        Assert.Empty(Source.Requests(url));
        Assert.Empty(await BlobsAsync(tenant));
        Assert.Null(await Posts.GetAsync(tenant.Scope, created.Post.Id, Ct));
    }

    [Fact]
    public async Task EditingAPostWhoseMediaFailed_RequestsTheSameMediaAgain()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Status(404)]);
        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));
        var failed = await ReadAsync(tenant, created.Post.Id);
        var content = new PostContent("new caption", failed.Post.Media, [.. failed.Post.States.Select(PostTarget.From)], null, PostStatus.Pending, null);

        var edited = await PostService.UpdateAsync(tenant.Scope, failed, content, Ct);

        Assert.Equal(PostStatus.Pending, edited.Post.Status);
        Assert.NotEqual(failed.Post.MediaState.Version, edited.Post.MediaState.Version);
        Assert.False(edited.Post.MediaState.Failed);
        var queued = await Factory.Storage.Queue(Genviral.Core.Storage.StorageNames.MediaRehostQueue).PeekMessagesAsync(32, Ct);
        Assert.Contains(queued.Value, m => m.Body.ToString().Contains(edited.Post.MediaState.Version, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetryingAPostWhoseMediaFailed_RequestsTheMediaAgain()
    {
        var bytes = Mp4(3000);
        var available = false;
        var url = Source.Route(async context =>
        {
            context.Response.StatusCode = available ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
            if (available)
            {
                await context.Response.Body.WriteAsync(bytes);
            }
        });
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [url]);
        Assert.Equal(MediaOutcome.Failed, await ProcessAsync(tenant, created.Post));
        available = true;

        Assert.Equal(RetryOutcome.Retried, await PostService.RetryAsync(tenant.Scope, created.Post.Id, null, Ct));

        var retried = (await ReadAsync(tenant, created.Post.Id)).Post;
        Assert.Equal(PostStatus.Retry, retried.Status);
        Assert.NotEqual(created.Post.MediaState.Version, retried.MediaState.Version);
        Assert.False(retried.MediaState.Failed);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, retried));
        Assert.Equal(PostStatus.Retry, (await ReadAsync(tenant, created.Post.Id)).Post.Status);
    }
}
