using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Genviral.Functions.Tests.Media;

/// <summary>
/// The caller's media host, on 127.0.0.1: a Kestrel server whose paths the tests define one by one (each test uses
/// fresh paths), and a raw socket server that lies about its Content-Length, which Kestrel would never do.
/// </summary>
public sealed class MediaSource : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(string Method, string? Range)>> _requests = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private WebApplication? _app;
    private TcpListener? _liar;
    private Task? _liarLoop;

    public int Port { get; private set; }

    /// <summary>Port of the server that declares <c>Content-Length: 100</c> but sends a chunked body of <see cref="LiarBody"/>.</summary>
    public int LiarPort { get; private set; }

    public byte[] LiarBody { get; set; } = [];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(context =>
        {
            var path = context.Request.Path.Value ?? "";
            _requests.GetOrAdd(path, _ => new()).Enqueue((context.Request.Method, context.Request.Headers.Range.ToString() is { Length: > 0 } r ? r : null));
            if (_routes.TryGetValue(path, out var handler))
            {
                return handler(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await _app.StartAsync();
        Port = new Uri(_app.Urls.Single()).Port;

        _liar = new TcpListener(IPAddress.Loopback, 0);
        _liar.Start();
        LiarPort = ((IPEndPoint)_liar.LocalEndpoint).Port;
        _liarLoop = Task.Run(() => LieAsync(_stop.Token));
    }

    /// <summary>Serves <paramref name="handler"/> at a new path and returns its absolute URL.</summary>
    public string Route(Func<HttpContext, Task> handler, string extension = ".bin")
    {
        var path = "/" + Guid.NewGuid().ToString("N") + extension;
        _routes[path] = handler;
        return $"http://127.0.0.1:{Port}{path}";
    }

    /// <summary>Serves <paramref name="bytes"/>; with <paramref name="declareLength"/> false the body is chunked, with no Content-Length.</summary>
    public string Serve(byte[] bytes, string contentType = "application/octet-stream", bool declareLength = true, string extension = ".bin") =>
        Route(async context =>
        {
            context.Response.ContentType = contentType;
            if (declareLength)
            {
                context.Response.ContentLength = bytes.Length;
            }

            if (!HttpMethods.IsHead(context.Request.Method))
            {
                // Several writes, so a chunked body really arrives in pieces.
                for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
                {
                    await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(64 * 1024, bytes.Length - offset)));
                }
            }
        }, extension);

    /// <summary>A path that redirects (302) to <paramref name="target"/>.</summary>
    public string Redirect(string target) => Route(context =>
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = target;
        return Task.CompletedTask;
    });

    /// <summary>A path that answers <paramref name="status"/> with no body.</summary>
    public string Status(int status) => Route(context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    });

    /// <summary>The requests made to <paramref name="url"/>'s path so far.</summary>
    public IReadOnlyList<(string Method, string? Range)> Requests(string url) =>
        _requests.TryGetValue(new Uri(url).AbsolutePath, out var q) ? [.. q] : [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _liar?.Stop();
        if (_liarLoop is not null)
        {
            await _liarLoop;
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task LieAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _liar!.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await AnswerWithLieAsync(client.GetStream(), stop);
                }
                catch (IOException)
                {
                    // The fetcher hung up once it had seen enough: exactly what a size limit does.
                }
            }
        }
    }

    private async Task AnswerWithLieAsync(NetworkStream stream, CancellationToken stop)
    {
        var request = new byte[4096];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(request, stop);
            if (n == 0)
            {
                return;
            }

            seen.Append(Encoding.ASCII.GetString(request, 0, n));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"), stop);
        for (var offset = 0; offset < LiarBody.Length; offset += 64 * 1024)
        {
            var size = Math.Min(64 * 1024, LiarBody.Length - offset);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{size:x}\r\n"), stop);
            await stream.WriteAsync(LiarBody.AsMemory(offset, size), stop);
            await stream.WriteAsync("\r\n"u8.ToArray(), stop);
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), stop);
    }
}
