using System.Net.Http.Headers;
using System.Text;
using Genviral.Core.Media;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Webhooks;

/// <summary>How one attempt ended: the receiver's status (none when no answer came) and, unless delivered, what went wrong.</summary>
public sealed record AttemptResult(int? StatusCode, string? Error)
{
    public bool Delivered => StatusCode is >= 200 and < 300;

    /// <summary>410 Gone: the receiver asks us to stop; the webhook is disabled at once.</summary>
    public bool Gone => StatusCode == 410;
}

/// <summary>
/// Sends one signed attempt through the media fetcher's guarded connection (<see cref="MediaHttp.SendOnceAsync"/>):
/// the host is resolved and refused when any address is not public (unless allow-listed), the socket connects to the
/// checked address, and a redirect is an answer like any other, never followed. At most
/// <see cref="WebhookOptions.MaxResponseBytes"/> of the answer are read.
/// </summary>
public sealed class WebhookSender(MediaHttp http, IOptions<WebhookOptions> options, TimeProvider time)
{
    private const int MaxErrorLength = 300;
    private static readonly ProductInfoHeaderValue UserAgent = new("Genviral-Webhooks", "1.0");

    public async Task<AttemptResult> SendAsync(Uri url, string eventId, string body, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.Add("webhook-id", eventId);
        request.Headers.Add("webhook-timestamp", WebhookSignature.UnixSeconds(timestamp));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(eventId, timestamp, body, keys));

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.Value.AttemptTimeout);
        try
        {
            using var response = await http.SendOnceAsync(request, attempt.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return new AttemptResult(status, null);
            }

            var answer = await ReadStartAsync(response.Content, attempt.Token);
            var error = status is >= 300 and < 400 ? $"HTTP {status}: redirects are not followed" : $"HTTP {status}";
            return new AttemptResult(status, answer.Length > 0 ? Truncate(error + ": " + answer) : error);
        }
        catch (MediaFailureException e)
        {
            return new AttemptResult(null, Truncate("refused: " + e.Message));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, $"timeout: no answer within {options.Value.AttemptTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(null, Truncate("connection failed: " + e.Message));
        }
    }

    /// <summary>The start of the answer's body as text: at most MaxResponseBytes are read, whatever the receiver sends.</summary>
    private static async Task<string> ReadStartAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[WebhookOptions.MaxResponseBytes];
        var filled = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            int read;
            while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status is what counts; a body cut short only shortens the error text.
        }

        return Encoding.UTF8.GetString(buffer, 0, filled).Trim();
    }

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength] + "…";
}
