using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Genviral.Bench;

/// <summary>
/// A loopback HTTP server that streams <see cref="GeneratedVideo"/> bytes at <c>/video/{seed}.mp4?bytes=N</c>, as a
/// partner's media host would. It counts what it was asked for, and can be made slow (<see cref="BytesPerSecond"/>
/// per download), so that a crash lands while a large file is still being re-hosted.
/// </summary>
internal sealed class SourceServer : IAsyncDisposable
{
    private const int ChunkBytes = 256 * 1024;
    private readonly WebApplication _app;
    private long _bytesServed;

    private SourceServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The host:port entry the re-hoster's allow-list needs for a loopback source.</summary>
    public string Authority => BaseAddress.Authority;

    /// <summary>Per download; 0 for as fast as it goes.</summary>
    public long BytesPerSecond { get; set; }

    public long BytesServed => Interlocked.Read(ref _bytesServed);

    /// <summary>How many times each path was requested.</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public static async Task<SourceServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        SourceServer? server = null;
        app.MapGet("/video/{seed:int}.mp4", async (HttpContext http, int seed, long bytes) =>
        {
            server!.Requests.AddOrUpdate(http.Request.Path, 1, (_, n) => n + 1);
            http.Response.ContentType = "video/mp4";
            http.Response.ContentLength = bytes;
            await using var video = new GeneratedVideo(seed, bytes);
            if (server.BytesPerSecond <= 0)
            {
                await video.CopyToAsync(http.Response.Body, http.RequestAborted);
                Interlocked.Add(ref server._bytesServed, bytes);
                return;
            }

            var buffer = new byte[ChunkBytes];
            int read;
            while ((read = await video.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                Interlocked.Add(ref server._bytesServed, read);
                await Task.Delay(TimeSpan.FromSeconds((double)read / server.BytesPerSecond), http.RequestAborted);
            }
        });
        await app.StartAsync(cancellationToken);
        server = new SourceServer(app, new Uri(app.Urls.First()));
        return server;
    }

    /// <summary>The allow-list entry for URLs that name the server as <c>localhost</c> (the API refuses loopback IP literals in a post).</summary>
    public string LocalhostAuthority => string.Create(CultureInfo.InvariantCulture, $"localhost:{BaseAddress.Port}");

    /// <summary>The URL of a video of <paramref name="bytes"/> bytes; the same seed is the same content.</summary>
    public Uri Video(int seed, long bytes, bool viaLocalhost = false) =>
        new(viaLocalhost ? new Uri("http://" + LocalhostAuthority) : BaseAddress, string.Create(CultureInfo.InvariantCulture, $"/video/{seed}.mp4?bytes={bytes}"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
