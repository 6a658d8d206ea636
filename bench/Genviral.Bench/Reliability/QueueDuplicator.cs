using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Genviral.Bench.Reliability;

/// <summary>
/// A proxy in front of Azurite's queue service that puts every message twice: the copy a moment after the original
/// (0 to <see cref="MaxCopyDelay"/>), so the two are sometimes handled side by side and sometimes one after the
/// other. Every other call passes through unchanged. The shared-key signature covers the path and headers, not the
/// host, so the forwarded requests are valid as they are.
/// </summary>
internal sealed class QueueDuplicator : IAsyncDisposable
{
    private static readonly TimeSpan MaxCopyDelay = TimeSpan.FromSeconds(2);
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Host", "Content-Length",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly List<Task> _copies = [];
    private int _puts;
    private int _copiesSent;

    private QueueDuplicator(WebApplication app, HttpClient upstream, int port)
    {
        _app = app;
        _upstream = upstream;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Messages the app put, and the copies added.</summary>
    public int Puts => Volatile.Read(ref _puts);

    public int Copies => Volatile.Read(ref _copiesSent);

    public static async Task<QueueDuplicator> StartAsync(int upstreamPort, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{upstreamPort}"),
        };
        QueueDuplicator? self = null;
        app.Run(context => self!.ForwardAsync(context));
        await app.StartAsync(cancellationToken);
        self = new QueueDuplicator(app, upstream, new Uri(app.Urls.First()).Port);
        return self;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        var isPut = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Value?.EndsWith("/messages", StringComparison.Ordinal) == true;
        using var response = await _upstream.SendAsync(Copy(context.Request, bytes), HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        if (isPut && response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref _puts);
            var copy = Copy(context.Request, bytes);
            var delay = Random.Shared.NextDouble() * MaxCopyDelay;
            lock (_copies)
            {
                _copies.Add(Task.Run(async () =>
                {
                    await Task.Delay(delay);
                    using (copy)
                    using (var sent = await _upstream.SendAsync(copy))
                    {
                        if (sent.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref _copiesSent);
                        }
                    }
                }));
            }
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        var content = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content, context.RequestAborted);
    }

    private static HttpRequestMessage Copy(HttpRequest request, byte[] body)
    {
        // No content on a request that had none: an added Content-Length would change what the signature covers.
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString)
        {
            Content = body.Length > 0 || request.ContentLength is not null ? new ByteArrayContent(body) : null,
        };
        foreach (var header in request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        return message;
    }

    /// <summary>Waits until every copy has been put.</summary>
    public async Task DrainAsync()
    {
        Task[] pending;
        lock (_copies)
        {
            pending = [.. _copies];
        }

        await Task.WhenAll(pending);
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
