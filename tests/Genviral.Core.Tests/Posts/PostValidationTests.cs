using System.Text.Json;
using Genviral.Core.Accounts;
using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Core.Tenancy;
using Genviral.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Genviral.Core.Tests.Posts;

/// <summary>Which rule refuses a create or patch, against accounts stored in Azurite.</summary>
public sealed class PostValidationTests : IAsyncLifetime
{
    private readonly string _prefix = TestStorage.NewPrefix();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly Scope _scope = Scope.Workspace(Guid.NewGuid().ToString());
    private AccountStore _accounts = null!;
    private PostValidation _validation = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        StorageClients storage = await TestStorage.CreateAsync(_prefix);
        _accounts = new AccountStore(storage, _time);
        _validation = new PostValidation(_accounts, new MediaAddressRule(Options.Create(new MediaOptions { AllowedPrivateHosts = "127.0.0.1:9000" })), _time);
    }

    public async ValueTask DisposeAsync() => await TestStorage.DeleteAsync(_prefix);

    [Fact]
    public async Task CheckAsync_CreateWithoutCaptionOrMedia_IsInvalidPayload()
    {
        var rejection = await RejectAsync("""{"accounts": []}""");

        Assert.Equal(PostRejectionKind.InvalidPayload, rejection.Kind);
        Assert.Equal("Request body does not match the post schema", rejection.Message);
        Assert.Equal([new RuleIssue("caption", "caption is required"), new RuleIssue("media", "media is required")], rejection.Issues);
    }

    [Fact]
    public async Task CheckAsync_WrongShapeAndNoAccounts_IsInvalidPayloadFirst()
    {
        var rejection = await RejectAsync("""{"caption": 1, "media": {"type": "gif"}, "accounts": []}""");

        Assert.Equal(PostRejectionKind.InvalidPayload, rejection.Kind);
        Assert.Equal(["caption", "media.type"], rejection.Issues.Select(i => i.Field));
    }

    [Fact]
    public async Task CheckAsync_NoAccounts_IsMissingAccounts()
    {
        var rejection = await RejectAsync(Body("[]"));

        Assert.Equal(PostRejectionKind.MissingAccounts, rejection.Kind);
        Assert.Equal([new RuleIssue("accounts", "No accounts given")], rejection.Issues);
    }

    [Fact]
    public async Task CheckAsync_PausedUnknownAndMalformedAccounts_IsUnknownAccountsNamingEach()
    {
        var active = await AddAccountAsync(Platform.Tiktok);
        var paused = await AddAccountAsync(Platform.Tiktok);
        await _accounts.SetStatusAsync(_scope, paused, AccountStatus.Paused, Ct);
        var missing = Guid.NewGuid().ToString();

        var rejection = await RejectAsync(Body($"""["{active}", "{paused}", "{missing}", "nope"]"""));

        Assert.Equal(PostRejectionKind.UnknownAccounts, rejection.Kind);
        Assert.Equal([$"Unknown or inactive account: {paused}", $"Unknown or inactive account: {missing}", "Unknown or inactive account: nope"],
            rejection.Issues.Select(i => i.Message));
    }

    [Fact]
    public async Task CheckAsync_ElevenAccounts_IsValidationFailed()
    {
        var ids = string.Join(", ", Enumerable.Range(0, 11).Select(i => $"\"a{i}\""));

        var rejection = await RejectAsync(Body($"[{ids}]"));

        Assert.Equal(PostRejectionKind.ValidationFailed, rejection.Kind);
        Assert.Equal("A post targets at most 10 accounts", rejection.Message);
    }

    [Fact]
    public async Task CheckAsync_SeveralContentProblems_IsValidationFailedWithEveryIssueAndTheFirstAsMessage()
    {
        var account = await AddAccountAsync(Platform.Tiktok, AccountType.Hosted);
        var externalId = new string('e', 129);

        var rejection = await RejectAsync(Body($"""["{account}"]""", caption: new string('x', 501), extra: $""", "external_id": "{externalId}", "scheduled_at": "2026-12-02T09:00:00Z" """));

        Assert.Equal(PostRejectionKind.ValidationFailed, rejection.Kind);
        Assert.Equal(["caption", "external_id", "scheduled_at"], rejection.Issues.Select(i => i.Field));
        Assert.Equal($"Caption is 501 characters; account {account} (tiktok hosted) allows 500", rejection.Message);
        Assert.Equal("scheduled_at is in the past", rejection.Issues[2].Message);
    }

    [Fact]
    public async Task CheckAsync_NonTikTokMusicUrl_IsInvalidMusicUrl()
    {
        var account = await AddAccountAsync(Platform.Tiktok);

        var rejection = await RejectAsync(Body($"""["{account}"]""", extra: """, "music_url": "https://example.com/song" """));

        Assert.Equal(PostRejectionKind.InvalidMusicUrl, rejection.Kind);
        Assert.Equal([new RuleIssue("music_url", "Not a TikTok URL")], rejection.Issues);
    }

    [Fact]
    public async Task CheckAsync_ValidCreateForLater_IsScheduledContentForTheAccount()
    {
        var account = await AddAccountAsync(Platform.Instagram, AccountType.Byo);

        var (content, rejection) = await CheckAsync(Body($$"""[{"id": "{{account}}"}]""", extra: """, "scheduled_at": "2026-12-02T12:00:00+01:00" """), null);

        Assert.Null(rejection);
        Assert.Equal(PostStatus.Scheduled, content!.PrePublishStatus);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 11, 0, 0, TimeSpan.Zero), content.ScheduledAt);
        Assert.Equal([new PostTarget(account, Platform.Instagram, AccountType.Byo)], content.Accounts);
    }

    [Fact]
    public async Task CheckAsync_PatchWithoutAccounts_ChecksAgainstTheStoredTargets()
    {
        var current = StoredPost(new AccountState("a1", Platform.Youtube, AccountType.Byo, PostStatus.Failed));

        var (_, rejection) = await CheckAsync("""{"media": {"type": "slideshow", "urls": ["https://cdn.example.com/1.jpg"]}}""", current);
        var (content, accepted) = await CheckAsync("""{"caption": "new"}""", current);

        Assert.Equal(PostRejectionKind.ValidationFailed, rejection!.Kind);
        Assert.Equal("Account a1 is a YouTube account; YouTube accepts videos only, not slideshows", rejection.Message);
        Assert.Null(accepted);
        Assert.Equal("new", content!.Caption);
        Assert.Equal(current.Media, content.Media);
        Assert.Equal(PostStatus.Pending, content.PrePublishStatus);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/v.mp4", true)]
    [InlineData("http://127.0.0.1:9001/v.mp4", false)]
    [InlineData("http://[64:ff9b::a00:1]/x.mp4", false)]
    [InlineData("http://[2002:a00:1::1]/x.mp4", false)]
    [InlineData("http://[::a00:1]/x.mp4", false)]
    [InlineData("http://198.51.100.7/x.mp4", false)]
    [InlineData("http://203.0.113.9/x.mp4", false)]
    [InlineData("http://[2001:db8::1]/x.mp4", false)]
    [InlineData("http://localhost:9001/v.mp4", true)]
    [InlineData("https://93.184.215.14/v.mp4", true)]
    public async Task CheckAsync_MediaUrlHost_FollowsTheFetchersAddressRule(string url, bool accepted)
    {
        var account = await AddAccountAsync(Platform.Tiktok);

        var (content, rejection) = await CheckAsync(Body($"""["{account}"]""", url: url), null);

        Assert.Equal(accepted, content is not null);
        if (!accepted)
        {
            Assert.Equal(PostRejectionKind.ValidationFailed, rejection!.Kind);
            Assert.Equal([new RuleIssue("media.url", "URL host must not be a private, loopback or link-local address")], rejection.Issues);
        }
    }

    private static string Body(string accounts, string caption = "Hello", string extra = "", string url = "https://cdn.example.com/clip.mp4") =>
        $$"""{"caption": "{{caption}}", "media": {"type": "video", "url": "{{url}}"}, "accounts": {{accounts}}{{extra}}}""";

    private async Task<PostRejection> RejectAsync(string json)
    {
        var (content, rejection) = await CheckAsync(json, null);
        Assert.Null(content);
        return rejection!;
    }

    private async Task<(PostContent? Content, PostRejection? Rejection)> CheckAsync(string json, Post? current)
    {
        using var body = JsonDocument.Parse(json);
        return await _validation.CheckAsync(_scope, PostRequest.Parse(body.RootElement), current, Ct);
    }

    private async Task<string> AddAccountAsync(Platform platform, AccountType type = AccountType.Hosted) =>
        (await _accounts.AddAsync(_scope, platform, type, "user", "User", null, Ct)).Id;

    private Post StoredPost(AccountState state) => new(
        "p1", "Hello", new PostMedia(MediaType.Video, ["https://cdn.example.com/clip.mp4"]), null, null, _time.GetUtcNow(), _time.GetUtcNow(), null,
        PostStatus.Pending, [state], new MediaState("v1", Ready: true, NeedsRehost: true));
}
