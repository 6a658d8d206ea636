using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Genviral.Functions.Tests.Webhooks;

/// <summary>One request the receiver got, and when.</summary>
public sealed record ReceivedWebhook(string Path, string Id, string Timestamp, string Signature, string Body, DateTimeOffset At)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// A partner's receiver on 127.0.0.1: records every request per path and answers with the statuses a test queues for
/// that path (200 once they run out); a negative entry waits that many milliseconds before answering 200, to outlast the
/// app's attempt timeout. It checks signatures with its own implementation of the Standard Webhooks HMAC, written here
/// from the specification and sharing no code with the app.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication? _app;

    public int Port { get; private set; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? "";
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers;
            _received.Enqueue(new ReceivedWebhook(path, headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), body,
                DateTimeOffset.UtcNow));
            var answer = _answers.TryGetValue(path, out var queue) && queue.TryDequeue(out var next) ? next : StatusCodes.Status200OK;
            if (answer < 0)
            {
                await Task.Delay(-answer, context.RequestAborted);
                answer = StatusCodes.Status200OK;
            }

            context.Response.StatusCode = answer;
            await context.Response.WriteAsync("receiver says " + answer, context.RequestAborted);
        });
        await _app.StartAsync();
        Port = new Uri(_app.Urls.Single()).Port;
    }

    /// <summary>A new path on this receiver whose first requests get <paramref name="answers"/>, in order.</summary>
    public string Url(params int[] answers)
    {
        var path = "/hooks/" + Guid.NewGuid().ToString("N");
        _answers[path] = new ConcurrentQueue<int>(answers);
        return $"http://127.0.0.1:{Port}{path}";
    }

    /// <summary>What arrived at <paramref name="url"/>'s path so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Received(string url)
    {
        var path = new Uri(url).AbsolutePath;
        return [.. _received.Where(r => r.Path == path)];
    }

    /// <summary>
    /// The Standard Webhooks check: HMAC-SHA256 keyed with the base64 part of the secret over
    /// "{webhook-id}.{webhook-timestamp}.{body}", base64, compared with each "v1,…" entry of the header.
    /// </summary>
    public static bool Verifies(ReceivedWebhook request, string secret)
    {
        var key = Convert.FromBase64String(secret.Split('_', 2)[1]);
        using var hmac = new HMACSHA256(key);
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(request.Id + "." + request.Timestamp + "." + request.Body)));
        return request.Signature.Split(' ').Any(entry => entry.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(entry[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
