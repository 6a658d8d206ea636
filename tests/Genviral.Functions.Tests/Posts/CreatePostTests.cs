using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Genviral.Core.Accounts;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Posts;

public sealed class CreatePostTests(ApiFactory factory) : PostsTestBase(factory), IClassFixture<ApiFactory>
{
    private const string Path = "/api/partner/v1/posts";

    [Fact]
    public async Task CreatePost_Immediate_Returns201PendingAndStoresEveryField()
    {
        var (_, client, account) = await TenantWithAccountAsync(Platform.Tiktok, AccountType.Hosted);
        var body = VideoPost(account.Id, "First post");
        body["music_url"] = "https://www.tiktok.com/@artist/video/123";
        body["external_id"] = "ext-" + Guid.NewGuid();

        using var response = await PostJsonAsync(client, Path, body);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Post created");
        var id = data.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal("pending", data.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("scheduled_at").ValueKind);
        Assert.False(data.TryGetProperty("duplicate", out _));
        Assert.Equal($"/api/partner/v1/posts/{id}", response.Headers.Location?.OriginalString);

        using var get = await client.GetAsync($"{Path}/{id}", Ct);
        var post = await EnvelopeAssert.SuccessAsync(get, HttpStatusCode.OK, "Post retrieved");
        Assert.False(string.IsNullOrEmpty(get.Headers.ETag?.ToString()));
        Assert.Equal("First post", post.GetProperty("caption").GetString());
        Assert.Equal("pending", post.GetProperty("status").GetString());
        Assert.Equal(body["external_id"]!.GetValue<string>(), post.GetProperty("external_id").GetString());
        Assert.Equal("https://www.tiktok.com/@artist/video/123", post.GetProperty("music_url").GetString());
        Assert.Equal("video", post.GetProperty("media").GetProperty("type").GetString());
        Assert.Equal("https://cdn.example.com/clip.mp4", post.GetProperty("media").GetProperty("url").GetString());
        Assert.False(post.GetProperty("media").TryGetProperty("urls", out _));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", post.GetProperty("created_at").GetString());
        var accounts = post.GetProperty("accounts");
        Assert.Equal(1, accounts.GetProperty("total").GetInt32());
        var state = Assert.Single(accounts.GetProperty("states").EnumerateArray());
        Assert.Equal(account.Id, state.GetProperty("account_id").GetString());
        Assert.Equal("pending", state.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("published_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, state.GetProperty("error_message").ValueKind);
        Assert.Equal(0, state.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task CreatePost_ScheduledAnHourAhead_Returns201Scheduled()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var at = DateTimeOffset.UtcNow.AddHours(1);
        var body = VideoPost(account.Id);
        body["scheduled_at"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await PostJsonAsync(client, Path, body);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Post scheduled");
        Assert.Equal("scheduled", data.GetProperty("status").GetString());
        Assert.Equal(at.ToString("yyyy-MM-dd'T'HH:mm:ss'.000Z'", System.Globalization.CultureInfo.InvariantCulture), data.GetProperty("scheduled_at").GetString());
    }

    [Fact]
    public async Task CreatePost_ScheduledWithin30Seconds_IsPendingWithNoStoredTime()
    {
        var (_, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id);
        body["scheduled_at"] = DateTimeOffset.UtcNow.AddSeconds(10).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await PostJsonAsync(client, Path, body);

        var data = await EnvelopeAssert.SuccessAsync(response, HttpStatusCode.Created, "Post created");
        Assert.Equal("pending", data.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("scheduled_at").ValueKind);
    }

    [Fact]
    public async Task CreatePost_Slideshow_StoresUrlsInOrder()
    {
        var (_, client, account) = await TenantWithAccountAsync(Platform.Instagram, AccountType.Byo);
        var urls = Enumerable.Range(0, 35).Select(i => $"https://img.example.com/{i}.jpg").ToList();
        var body = VideoPost(account.Id);
        body["media"] = new JsonObject { ["type"] = "slideshow", ["urls"] = new JsonArray([.. urls.Select(u => (JsonNode)u)]) };

        var id = await CreateAsync(client, body);

        using var get = await client.GetAsync($"{Path}/{id}", Ct);
        var media = (await EnvelopeAssert.SuccessAsync(get, HttpStatusCode.OK, "Post retrieved")).GetProperty("media");
        Assert.Equal("slideshow", media.GetProperty("type").GetString());
        Assert.Equal(urls, media.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        Assert.False(media.TryGetProperty("url", out _));
    }

    [Fact]
    public async Task CreatePost_ByoTarget_QueuesMediaWorkAndAddsDueEntryBeforeAnswering()
    {
        var (tenant, client, account) = await TenantWithAccountAsync(Platform.Tiktok, AccountType.Byo);

        var id = await CreateAsync(client, VideoPost(account.Id));

        var stored = await Store.GetAsync(tenant.Scope, id, Ct);
        Assert.True(stored!.Post.MediaState.NeedsRehost);
        Assert.False(stored.Post.MediaState.Ready);
        var messages = await Factory.Storage.Queue(StorageNames.MediaRehostQueue).PeekMessagesAsync(32, Ct);
        var message = Assert.Single(messages.Value, m => m.Body.ToString().Contains(id, StringComparison.Ordinal));
        using var json = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal(tenant.Scope.PartitionKey, json.RootElement.GetProperty("scope").GetString());
        Assert.Equal(stored.Post.MediaState.Version, json.RootElement.GetProperty("media_version").GetString());
        var due = await Factory.Storage.Table(StorageNames.ScheduleTable).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(
            PostSchedule.Bucket(stored.Post.DueAt), PostSchedule.Row(tenant.Scope, id), cancellationToken: Ct);
        Assert.True(due.HasValue);
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"accounts":[{"id":"ACCOUNT"}],"media":{"type":"video","url":"https://x.example.com/a.mp4"}}""", "caption" },
        { """{"caption":"hi","accounts":[{"id":"ACCOUNT"}]}""", "media" },
        { """{"caption":42,"accounts":[{"id":"ACCOUNT"}],"media":{"type":"video","url":"https://x.example.com/a.mp4"}}""", "caption" },
        { """{"caption":"hi","accounts":[{"id":"ACCOUNT"}],"media":{"type":"gif","url":"https://x.example.com/a.mp4"}}""", "media.type" },
        { """{"caption":"hi","accounts":[{"id":"ACCOUNT"}],"media":{"type":"VIDEO","url":"https://x.example.com/a.mp4"}}""", "media.type" },
        { """{"caption":"hi","accounts":[{"id":"ACCOUNT"}],"media":{"type":"Slideshow","urls":["https://x.example.com/a.png"]}}""", "media.type" },
        { """{"caption":"hi","accounts":[{"id":"ACCOUNT"}],"media":{"type":"video"}}""", "media.url" },
        { """{"caption":"hi","accounts":[{"id":"ACCOUNT"}],"media":{"type":"slideshow","urls":"x"}}""", "media.urls" },
        { """{"caption":"hi","accounts":"ACCOUNT","media":{"type":"video","url":"https://x.example.com/a.mp4"}}""", "accounts" },
        { """{"caption":"hi","accounts":[7],"media":{"type":"video","url":"https://x.example.com/a.mp4"}}""", "accounts[0]" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task CreatePost_WrongShape_Returns422InvalidPayloadAndWritesNothing(string template, string field)
    {
        var (tenant, client, account) = await TenantWithAccountAsync();

        using var response = await client.PostAsync(Path, new StringContent(template.Replace("ACCOUNT", account.Id, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"), Ct);

        var root = await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_payload");
        Assert.Contains(root.GetProperty("issues").EnumerateArray(), i => i.GetProperty("field").GetString() == field);
        await AssertNothingWrittenAsync(tenant);
    }

    [Theory]
    [InlineData("[1,2]", HttpStatusCode.UnprocessableEntity, "invalid_payload")]
    [InlineData("{\"caption\":", HttpStatusCode.BadRequest, "invalid_json")]
    public async Task CreatePost_NotAnObject_ReturnsDocumentedError(string body, HttpStatusCode status, string code)
    {
        var (tenant, client, _) = await TenantWithAccountAsync();

        using var response = await client.PostAsync(Path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        await EnvelopeAssert.ErrorAsync(response, status, code);
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_WrongContentType_Returns415()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();

        using var response = await client.PostAsync(Path, new StringContent(VideoPost(account.Id).ToJsonString(), System.Text.Encoding.UTF8, "text/plain"), Ct);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_BodyOverLimit_Returns413()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id, new string('a', 2 * 1024 * 1024));

        using var response = await PostJsonAsync(client, Path, body);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_NoAccounts_Returns400MissingAccounts()
    {
        var (tenant, client, _) = await TenantWithAccountAsync();
        var body = VideoPost(Guid.NewGuid().ToString());
        body["accounts"] = new JsonArray();

        using var response = await PostJsonAsync(client, Path, body);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "missing_accounts");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_AccountOfAnotherScopeOrPausedOrUnknown_Returns400UnknownAccounts()
    {
        var (tenant, client, _) = await TenantWithAccountAsync();
        var (_, _, foreign) = await TenantWithAccountAsync();
        var paused = await Factory.AddAccountAsync(tenant);
        await Factory.Accounts.SetStatusAsync(tenant.Scope, paused.Id, AccountStatus.Paused, Ct);

        foreach (var id in new[] { foreign.Id, paused.Id, Guid.NewGuid().ToString(), "not-a-uuid" })
        {
            using var response = await PostJsonAsync(client, Path, VideoPost(id));

            var root = await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "unknown_accounts");
            Assert.Contains(id, root.GetProperty("issues")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_DuplicateAccountIds_AreMergedIntoOneState()
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id);
        body["accounts"] = new JsonArray(new JsonObject { ["id"] = account.Id }, new JsonObject { ["id"] = account.Id.ToUpperInvariant() });

        var id = await CreateAsync(client, body);

        Assert.Single((await Store.GetAsync(tenant.Scope, id, Ct))!.Post.States);
    }

    public static TheoryData<Platform, AccountType, int> CaptionLimits => new()
    {
        { Platform.Tiktok, AccountType.Hosted, 500 },
        { Platform.Tiktok, AccountType.Byo, 2200 },
        { Platform.Instagram, AccountType.Byo, 2200 },
        { Platform.Youtube, AccountType.Byo, 5000 },
    };

    [Theory]
    [MemberData(nameof(CaptionLimits))]
    public async Task CreatePost_CaptionAtLimitPassesAndOneMoreFails(Platform platform, AccountType type, int limit)
    {
        var (tenant, client, account) = await TenantWithAccountAsync(platform, type);

        await CreateAsync(client, VideoPost(account.Id, new string('x', limit)));
        using var tooLong = await PostJsonAsync(client, Path, VideoPost(account.Id, new string('x', limit + 1)));

        var root = await EnvelopeAssert.ErrorAsync(tooLong, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(account.Id, root.GetProperty("issues")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await ListAsync(client)).GetProperty("summary").GetProperty("total").GetInt64());
        Assert.Equal(1, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
    }

    public static TheoryData<string, string> RuleViolations => new()
    {
        { """{"media":{"type":"video","url":"ftp://x.example.com/a.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"/relative.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"https://x.example.com/a.png"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://127.0.0.1/a.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://10.1.2.3/a.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://169.254.169.254/latest"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://[::1]/a.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://[64:ff9b::a00:1]/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://[2002:a00:1::1]/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://[::a00:1]/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://[::ffff:10.0.0.1]/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://192.0.2.10/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://198.51.100.7/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://203.0.113.9/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://[2001:db8::1]/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"video","url":"http://2130706433/x.mp4"}}""", "media.url" },
        { """{"media":{"type":"slideshow","urls":[]}}""", "media.urls" },
        { """{"media":{"type":"slideshow","urls":["https://x.example.com/a.mp4"]}}""", "media.urls[0]" },
        { """{"caption":"   "}""", "caption" },
        { """{"scheduled_at":"2020-01-01T00:00:00Z"}""", "scheduled_at" },
        { """{"scheduled_at":"2099-01-01T00:00:00Z"}""", "scheduled_at" },
        { """{"scheduled_at":"2030-01-01T10:00:00"}""", "scheduled_at" },
        { """{"scheduled_at":"tomorrow"}""", "scheduled_at" },
        { """{"external_id":"LONG"}""", "external_id" },
    };

    [Theory]
    [MemberData(nameof(RuleViolations))]
    public async Task CreatePost_RuleViolation_Returns400ValidationFailedAndWritesNothing(string overrides, string field)
    {
        var (tenant, client, account) = await TenantWithAccountAsync();
        var body = VideoPost(account.Id);
        foreach (var (key, value) in JsonNode.Parse(overrides)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        if (body["external_id"]?.GetValue<string>() == "LONG")
        {
            body["external_id"] = new string('x', 129);
        }

        using var response = await PostJsonAsync(client, Path, body);

        var root = await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(root.GetProperty("issues").EnumerateArray(), i => i.GetProperty("field").GetString() == field);
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_ElevenAccounts_Returns400ValidationFailed()
    {
        var tenant = await Factory.CreateTenantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            ids.Add((await Factory.AddAccountAsync(tenant)).Id);
        }

        using var client = Factory.CreateClient(tenant.Token);
        var body = VideoPost(ids[0]);
        body["accounts"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject { ["id"] = id })]);

        using var response = await PostJsonAsync(client, Path, body);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_MusicWithInstagramTarget_Returns400ValidationFailed()
    {
        var tenant = await Factory.CreateTenantAsync();
        var tiktok = await Factory.AddAccountAsync(tenant, Platform.Tiktok);
        var instagram = await Factory.AddAccountAsync(tenant, Platform.Instagram);
        using var client = Factory.CreateClient(tenant.Token);
        var body = VideoPost(tiktok.Id);
        body["accounts"] = new JsonArray(new JsonObject { ["id"] = tiktok.Id }, new JsonObject { ["id"] = instagram.Id });
        body["music_url"] = "https://www.tiktok.com/@a/video/1";

        using var response = await PostJsonAsync(client, Path, body);

        var root = await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("music_url", root.GetProperty("issues")[0].GetProperty("field").GetString());
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_NonTikTokMusicUrl_Returns400InvalidMusicUrl()
    {
        var (tenant, client, account) = await TenantWithAccountAsync(Platform.Tiktok);
        var body = VideoPost(account.Id);
        body["music_url"] = "https://music.example.com/song.mp3";

        using var response = await PostJsonAsync(client, Path, body);

        await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_music_url");
        await AssertNothingWrittenAsync(tenant);
    }

    [Fact]
    public async Task CreatePost_SlideshowToYouTube_Returns400ValidationFailed()
    {
        var (tenant, client, account) = await TenantWithAccountAsync(Platform.Youtube, AccountType.Byo);
        var body = VideoPost(account.Id);
        body["media"] = new JsonObject { ["type"] = "slideshow", ["urls"] = new JsonArray("https://img.example.com/1.jpg") };

        using var response = await PostJsonAsync(client, Path, body);

        var root = await EnvelopeAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("YouTube", root.GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertNothingWrittenAsync(tenant);
    }

    private async Task AssertNothingWrittenAsync(Tenant tenant)
    {
        Assert.Equal(0, (await Store.GetSummaryAsync(tenant.Scope, Ct)).Total);
        var page = await Store.ListAsync(tenant.Scope, null, null, null, null, 0, 10, Ct);
        Assert.Empty(page.Posts);
    }
}
