using Azure.Storage.Blobs.Models;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Tests.Media;

/// <summary>
/// The media sweep: blobs no post shows any more go (deleted posts, replaced media, staging left by a crash), blobs a
/// live post shows or is re-hosting stay, and so does anything younger than the grace or stored before references.
/// </summary>
public sealed class SweepTests(MediaFactory factory) : MediaTestBase(factory), IClassFixture<MediaFactory>
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task DeletedPost_ItsBlobIsRemoved()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(Mp4(50_000, seed: 11), "video/mp4")]);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));
        var blob = Assert.Single((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Blobs!);

        await DeleteAsync(tenant, created.Post.Id);
        var result = await SweepAsync(later: true);

        Assert.True(result.Removed >= 1);
        Assert.False(await ExistsAsync(blob));
    }

    [Fact]
    public async Task SharedBlob_StaysWhileAnotherPostShowsIt_AndGoesWithTheLast()
    {
        var bytes = Mp4(60_000, seed: 12);
        var (tenant, first) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        var second = await AnotherPostAsync(tenant, Source.Serve(bytes, "video/mp4"));
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, first.Post));
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, second.Post));
        var blob = Assert.Single((await ReadAsync(tenant, first.Post.Id)).Post.MediaState.Blobs!);
        Assert.Equal([blob], (await ReadAsync(tenant, second.Post.Id)).Post.MediaState.Blobs);

        await DeleteAsync(tenant, first.Post.Id);
        await SweepAsync(later: true);

        Assert.True(await ExistsAsync(blob));
        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, second.Post.Id))));

        await DeleteAsync(tenant, second.Post.Id);
        await SweepAsync(later: true);

        Assert.False(await ExistsAsync(blob));
    }

    [Fact]
    public async Task MediaReplaced_OldBlobIsRemoved_NewOneStays()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(Mp4(40_000, seed: 13), "video/mp4")]);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));
        var old = Assert.Single((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Blobs!);
        var replaced = await ReplaceMediaAsync(tenant, created.Post.Id, Source.Serve(Mp4(40_000, seed: 14), "video/mp4"));
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, replaced));
        var current = Assert.Single((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Blobs!);

        await SweepAsync(later: true);

        Assert.False(await ExistsAsync(old));
        Assert.True(await ExistsAsync(current));
    }

    [Fact]
    public async Task PostStillBeingRehosted_ItsBlobStays()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(Mp4(30_000, seed: 15), "video/mp4")]);
        // As a re-host does before it uses the blob: the reference first, then the blob (here stored by hand).
        var name = $"{tenant.Scope.PartitionKey}/{new string('a', 64)}.mp4";
        await References.AddAsync(tenant.Scope, name, created.Post.Id, created.Post.MediaState.Version, Ct);
        await UploadAsync(name, tracked: true);

        await SweepAsync(later: true);

        Assert.True(await ExistsAsync(name));
    }

    [Fact]
    public async Task UnusedBlob_YoungerThanTheGrace_Stays()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(Mp4(30_000, seed: 16), "video/mp4")]);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, created.Post));
        var blob = Assert.Single((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Blobs!);
        await DeleteAsync(tenant, created.Post.Id);

        await SweepAsync(later: false);

        Assert.True(await ExistsAsync(blob));
    }

    [Fact]
    public async Task StagingBlobLeftByACrash_IsRemoved()
    {
        var tenant = await Factory.CreateTenantAsync();
        var staging = $"{MediaRehoster.StagingPrefix}{tenant.Scope.PartitionKey}/{Guid.NewGuid():N}";
        await UploadAsync(staging, tracked: false);

        var result = await SweepAsync(later: true);

        Assert.True(result.StagingRemoved >= 1);
        Assert.False(await ExistsAsync(staging));
    }

    [Fact]
    public async Task BlobStoredThenCrashBeforeItsIndexRow_IsRemoved()
    {
        // Stored and tracked, but the process died before the index row and the post's reference were written.
        var tenant = await Factory.CreateTenantAsync();
        var orphan = $"{tenant.Scope.PartitionKey}/{Guid.CreateVersion7():N}.mp4";
        await UploadAsync(orphan, tracked: true);

        var result = await SweepAsync(later: true);

        Assert.True(result.Removed >= 1);
        Assert.False(await ExistsAsync(orphan));
    }

    [Fact]
    public async Task BlobStoredBeforeReferencesExisted_IsNeverRemoved()
    {
        var tenant = await Factory.CreateTenantAsync();
        var legacy = $"{tenant.Scope.PartitionKey}/{new string('b', 64)}.mp4";
        await UploadAsync(legacy, tracked: false);

        await SweepAsync(later: true);

        Assert.True(await ExistsAsync(legacy));
    }

    [Fact]
    public async Task BlobRemovedBySweep_ReHostedForANewPost_IsStoredAgainAndIndexed()
    {
        var bytes = Mp4(45_000, seed: 17);
        var (tenant, first) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, first.Post));
        var blob = Assert.Single((await ReadAsync(tenant, first.Post.Id)).Post.MediaState.Blobs!);
        await DeleteAsync(tenant, first.Post.Id);
        await SweepAsync(later: true);
        Assert.False(await ExistsAsync(blob));

        var second = await AnotherPostAsync(tenant, Source.Serve(bytes, "video/mp4"));
        Assert.Equal(MediaOutcome.Ready, await ProcessAsync(tenant, second.Post));

        // The index still named the swept blob: the new copy took its row over.
        var stored = Assert.Single((await ReadAsync(tenant, second.Post.Id)).Post.MediaState.Blobs!);
        Assert.NotEqual(blob, stored);
        Assert.True(await ExistsAsync(stored));
        Assert.Equal(stored, await IndexedBlobAsync(tenant.Scope.PartitionKey, bytes));
        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, second.Post.Id))));
    }

    private MediaReferences References => Factory.Services.GetRequiredService<MediaReferences>();

    /// <summary>A sweep as the timer runs it, seen from now or from an hour later (when everything is past the grace).</summary>
    private Task<SweepResult> SweepAsync(bool later)
    {
        var sweeper = new MediaSweeper(Factory.Storage, Posts, References, Options.Create(new MediaOptions { OrphanGrace = Grace }),
            later ? new Later(TimeSpan.FromHours(1)) : TimeProvider.System, NullLogger<MediaSweeper>.Instance);
        return sweeper.SweepAsync(Ct);
    }

    private async Task<StoredPost> AnotherPostAsync(Tenant tenant, string url)
    {
        var account = await Factory.AddAccountAsync(tenant, Genviral.Core.Accounts.Platform.Tiktok, Genviral.Core.Accounts.AccountType.Byo);
        var content = new PostContent("Media test", new PostMedia(MediaType.Video, [url]), [PostTarget.From(account)], null, PostStatus.Pending, null);
        return (await PostService.CreateAsync(tenant.Scope, content, null, null, Ct)).Post!;
    }

    private async Task DeleteAsync(Tenant tenant, string postId) =>
        Assert.Equal([postId], (await PostService.DeleteManyAsync(tenant.Scope, [postId], Ct)).Deleted);

    /// <summary>The post with other media, as an edit writes it (a new media version, its work queued).</summary>
    private async Task<Post> ReplaceMediaAsync(Tenant tenant, string postId, string url)
    {
        var current = await ReadAsync(tenant, postId);
        var content = new PostContent("Media test", new PostMedia(MediaType.Video, [url]), [PostTarget.From(current.Post.States[0])], null, PostStatus.Pending, null);
        return (await PostService.UpdateAsync(tenant.Scope, current, content, Ct)).Post;
    }

    private async Task UploadAsync(string name, bool tracked)
    {
        var blob = Factory.Storage.Container(StorageNames.MediaContainer).GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromString("leftover"), new BlobUploadOptions
        {
            Metadata = tracked ? new Dictionary<string, string> { [MediaRehoster.TrackedMetadata] = "true" } : null,
        }, Ct);
    }

    private async Task<bool> ExistsAsync(string name) => await Factory.Storage.Container(StorageNames.MediaContainer).GetBlobClient(name).ExistsAsync(Ct);

    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }
}
