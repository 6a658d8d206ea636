using Genviral.Core.Media;
using Genviral.Core.Posts;
using Genviral.Core.Storage;
using Microsoft.Extensions.Options;

namespace Genviral.Functions.Tests.Media;

/// <summary><see cref="MediaRehoster"/> used directly, as a benchmark would, with its own options.</summary>
public sealed class MediaRehosterTests(SharedMediaFactory factory) : MediaTestBase(factory)
{
    [Fact]
    public async Task StalledSource_TimesOutAsTransient()
    {
        var url = Source.Route(async context =>
        {
            context.Response.ContentType = "video/mp4";
            await context.Response.Body.WriteAsync(Mp4(1024));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var options = Options.Create(new MediaOptions { AllowedPrivateHosts = $"127.0.0.1:{Source.Port}", FetchTimeout = TimeSpan.FromSeconds(1) });
        using var http = new MediaHttp(options, new MediaAddressRule(options));
        var rehoster = new MediaRehoster(Factory.Storage, http, options);

        await Assert.ThrowsAsync<TimeoutException>(() => rehoster.RehostAsync("ws_bench", new Uri(url), MediaType.Video, reference: null, Ct));
    }

    [Fact]
    public async Task WithoutTheAllowList_TheLocalSourceIsRefused()
    {
        var url = Source.Serve(Mp4(1024), "video/mp4");
        var options = Options.Create(new MediaOptions());
        using var http = new MediaHttp(options, new MediaAddressRule(options));
        var rehoster = new MediaRehoster(Factory.Storage, http, options);

        var e = await Assert.ThrowsAsync<MediaFailureException>(() => rehoster.RehostAsync("ws_bench", new Uri(url), MediaType.Video, reference: null, Ct));

        Assert.Equal(MediaFailureReason.Unreachable, e.Reason);
        Assert.Empty(Source.Requests(url));
    }

    [Fact]
    public async Task Rehost_ReturnsTheStoredBlob()
    {
        var bytes = Mp4(5 * 1024 * 1024);
        var options = Options.Create(new MediaOptions { AllowedPrivateHosts = $"127.0.0.1:{Source.Port}" });
        using var http = new MediaHttp(options, new MediaAddressRule(options));
        var rehoster = new MediaRehoster(Factory.Storage, http, options);

        var stored = await rehoster.RehostAsync("ws_bench", new Uri(Source.Serve(bytes, "video/mp4")), MediaType.Video, reference: null, Ct);

        Assert.Equal(stored.BlobName, await IndexedBlobAsync("ws_bench", bytes));
        Assert.StartsWith("ws_bench/", stored.BlobName, StringComparison.Ordinal);
        Assert.Equal(Sha256(bytes), stored.Sha256);
        Assert.Equal(bytes.Length, stored.Length);
        Assert.Equal(MediaFormat.Mp4, stored.Format);
    }

    [Fact]
    public async Task Rehost_ChunkedOverMoreBlocksThanInFlight_StoresEveryByteOnce()
    {
        // No Content-Length: staged block by block, more blocks than are uploaded at once, so buffers are reused.
        var bytes = Mp4((MediaRehoster.BlocksInFlight + 1) * MediaRehoster.BlockBytes + 77, seed: 5);
        var options = Options.Create(new MediaOptions { AllowedPrivateHosts = $"127.0.0.1:{Source.Port}" });
        using var http = new MediaHttp(options, new MediaAddressRule(options));
        var rehoster = new MediaRehoster(Factory.Storage, http, options);

        var stored = await rehoster.RehostAsync("ws_chunked", new Uri(Source.Serve(bytes, "video/mp4", declareLength: false)), MediaType.Video, reference: null, Ct);

        Assert.Equal(stored.BlobName, await IndexedBlobAsync("ws_chunked", bytes));
        Assert.Equal(bytes.Length, stored.Length);
        var content = await Factory.Storage.Container(StorageNames.MediaContainer).GetBlobClient(stored.BlobName).DownloadContentAsync(Ct);
        Assert.Equal(bytes, content.Value.Content.ToArray());
    }
}
