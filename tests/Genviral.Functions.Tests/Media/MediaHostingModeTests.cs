using System.Net;
using System.Text;
using System.Text.Json;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Genviral.Functions.Tests.Infrastructure;

namespace Genviral.Functions.Tests.Media;

/// <summary>Under the Functions host: the message the API queued, delivered as the host's envelope to POST /RehostMedia.</summary>
public sealed class MediaCustomHandlerTests(MediaCustomHandlerFactory factory) : MediaTestBase(factory), IClassFixture<MediaCustomHandlerFactory>
{
    [Fact]
    public async Task QueuedMessage_InTheHostsEnvelope_RehostsTheMedia()
    {
        var bytes = Mp4(100_000);
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Serve(bytes, "video/mp4")]);
        var queued = await QueuedMessageAsync(created.Post.Id);

        using var host = Factory.CreateClient();
        using var response = await host.PostAsync("/RehostMedia", HostEnvelope(queued, dequeueCount: 1), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Object, Json(await response.Content.ReadAsStringAsync(Ct)).GetProperty("Outputs").ValueKind);
        Assert.True((await ReadAsync(tenant, created.Post.Id)).Post.MediaState.Ready);
        Assert.Equal(bytes, await DownloadAsync(Assert.Single(await ShownMediaUrlsAsync(tenant, created.Post.Id))));
    }

    [Fact]
    public async Task ServerError_AnswersNon2xxSoTheHostRetries_AndTheLastAttemptFailsThePost()
    {
        var (tenant, created) = await CreatePostAsync(MediaType.Video, [Source.Status(502)]);
        var queued = await QueuedMessageAsync(created.Post.Id);
        using var host = Factory.CreateClient();

        using (var first = await host.PostAsync("/RehostMedia", HostEnvelope(queued, dequeueCount: 1), Ct))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        }

        Assert.Equal(PostStatus.Pending, (await ReadAsync(tenant, created.Post.Id)).Post.Status);

        // Queues:MaxDequeueCount is 3 here: the third delivery is the last before the host moves the message to poison.
        using var last = await host.PostAsync("/RehostMedia", HostEnvelope(queued, dequeueCount: 3), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, last.StatusCode);
        await AssertFailedAsync(tenant, created.Post.Id, "media_unreachable");
    }

    [Fact]
    public async Task MalformedMessage_IsDroppedRatherThanRetried()
    {
        using var host = Factory.CreateClient();

        using var response = await host.PostAsync("/RehostMedia", HostEnvelope("{\"scope\":1}", dequeueCount: 1), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> QueuedMessageAsync(string postId)
    {
        var queue = Factory.Storage.Queue(StorageNames.MediaRehostQueue);
        var messages = await queue.PeekMessagesAsync(32, Ct);
        return Assert.Single(messages.Value.Select(m => m.Body.ToString()), b => b.Contains(postId, StringComparison.Ordinal));
    }

    /// <summary>As the host sends it: the message text JSON-encoded twice, metadata values as quoted strings.</summary>
    private static StringContent HostEnvelope(string messageText, int dequeueCount)
    {
        var envelope = new Dictionary<string, object>
        {
            ["Data"] = new Dictionary<string, string> { ["message"] = JsonSerializer.Serialize(messageText) },
            ["Metadata"] = new Dictionary<string, object>
            {
                ["DequeueCount"] = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Id"] = $"\"{Guid.NewGuid()}\"",
                ["PopReceipt"] = "\"AgAAAA\"",
                ["InsertionTime"] = "\"2026-11-23T10:00:00+00:00\"",
                ["sys"] = new Dictionary<string, string> { ["MethodName"] = "RehostMedia", ["UtcNow"] = "2026-11-23T10:00:00Z", ["RandGuid"] = Guid.NewGuid().ToString() },
            },
        };
        return new StringContent(JsonSerializer.Serialize(envelope), Encoding.UTF8, "application/json");
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
}
