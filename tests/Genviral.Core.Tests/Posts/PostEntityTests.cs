using Genviral.Core.Accounts;
using Genviral.Core.Posts;

namespace Genviral.Core.Tests.Posts;

/// <summary>A post survives its storage shape: every field, null or set, the longest media list included.</summary>
public sealed class PostEntityTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 2, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void ToEntityToPost_EveryFieldSet_RoundTrips()
    {
        var urls = Enumerable.Range(0, PostRules.MaxSlideshowImages).Select(i => $"https://cdn.example.com/{i}/" + new string('x', PostRules.MaxUrlLength - 40) + ".png").ToList();
        var post = new Post(
            "5d2c9a7e-1f3b-4e8a-b6c4-7a9e0d1f2b3c", "Caption with émoji 🔥", new PostMedia(MediaType.Slideshow, urls), "https://www.tiktok.com/@a/video/1",
            T.AddHours(2), T, T.AddMinutes(5), "campaign-42", PostStatus.Scheduled,
            [
                new AccountState("a1", Platform.Tiktok, AccountType.Byo, PostStatus.Posted, T.AddHours(3), "https://www.tiktok.com/@a/video/2", null, T.AddHours(3), 1, "tt-2"),
                new AccountState("a2", Platform.Instagram, AccountType.Hosted, PostStatus.Retry, null, null, "busy", T.AddHours(3), 2, null,
                    new PublishProgress("claim", T.AddHours(4), T.AddHours(5), "job-7")),
            ],
            new MediaState("v2", Ready: true, NeedsRehost: true, [.. urls.Select((_, i) => $"ws_x/{i:x64}.png")], Failed: false));

        var back = PostEntity.ToPost(PostEntity.ToEntity("ws_x", PostKeys.Post(post.Id), post));

        AssertSame(post, back);
    }

    [Fact]
    public void ToEntityToPost_OptionalFieldsNull_RoundTrips()
    {
        var post = new Post(
            "9a8b7c6d-0000-4000-8000-000000000001", "Hi", new PostMedia(MediaType.Video, ["https://cdn.example.com/clip.mp4"]), null, null, T, T, null,
            PostStatus.Pending, [new AccountState("a1", Platform.Youtube, AccountType.Byo, PostStatus.Failed, ErrorMessage: "media_unreachable: gone")],
            new MediaState("v1", Ready: false, NeedsRehost: true, null, Failed: true));

        var back = PostEntity.ToPost(PostEntity.ToEntity("user_x", PostKeys.Post(post.Id), post));

        AssertSame(post, back);
        Assert.Equal(PostStatus.Failed, back.Status);
    }

    [Fact]
    public void ToEntity_StoresTheDerivedStatusForReading()
    {
        var post = new Post("p", "c", new PostMedia(MediaType.Video, ["https://cdn.example.com/a.mp4"]), null, null, T, T, null, PostStatus.Pending,
            [new AccountState("a1", Platform.Tiktok, AccountType.Hosted, PostStatus.Posted), new AccountState("a2", Platform.Tiktok, AccountType.Hosted, PostStatus.Failed)],
            new MediaState("v", true, false));

        var entity = PostEntity.ToEntity("ws_x", "post|p", post);

        Assert.Equal("Partial", entity.GetString("Status"));
        Assert.Equal("Pending", entity.GetString("PrePublishStatus"));
    }

    // Records compare their lists by reference, so each field is compared on its own, lists by content.
    private static void AssertSame(Post expected, Post actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Caption, actual.Caption);
        Assert.Equal(expected.Media, actual.Media);
        Assert.Equal(expected.MusicUrl, actual.MusicUrl);
        Assert.Equal(expected.ScheduledAt, actual.ScheduledAt);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.ExternalId, actual.ExternalId);
        Assert.Equal(expected.PrePublishStatus, actual.PrePublishStatus);
        Assert.Equal(expected.States, actual.States);
        Assert.Equal(expected.MediaState with { Blobs = null }, actual.MediaState with { Blobs = null });
        Assert.Equal(expected.MediaState.Blobs, actual.MediaState.Blobs);
    }
}
