using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Media;

/// <summary>
/// The only HTTP client that fetches caller-supplied URLs. It resolves each host itself, refuses any non-public
/// address (<see cref="MediaAddressRule"/>, the rule posts are created under) and connects to exactly the
/// addresses it checked, so DNS rebinding has no window. Redirects are followed by hand, at most
/// <see cref="MaxRedirects"/>, each target going through the same check; no proxy is used, as a proxy would
/// make the connection target something other than the checked address.
/// </summary>
public sealed class MediaHttp : IDisposable
{
    public const int MaxRedirects = 3;

    private readonly HttpClient _client;
    private readonly MediaAddressRule _addresses;

    public MediaHttp(IOptions<MediaOptions> options, MediaAddressRule addresses)
    {
        _addresses = addresses;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Value.ConnectTimeout,
            // Pooled connections stay bound to the address checked when they opened; recycle them so DNS changes apply.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        // The caller bounds each fetch as a whole (body included), which HttpClient.Timeout cannot.
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Sends <paramref name="method"/> to <paramref name="url"/>, following redirects, and returns the final
    /// response with its headers read and its body not yet read. Whatever the status: see <see cref="EnsureAvailable"/>.
    /// </summary>
    /// <exception cref="MediaFailureException">The URL or a redirect is refused, or the host does not exist.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                throw new MediaFailureException(MediaFailureReason.Unreachable, $"only http and https URLs can be fetched, not {Describe(url)}");
            }

            using var request = new HttpRequestMessage(method, url);
            request.Headers.Range = range;
            var response = await SendOnceAsync(request, cancellationToken);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (hop == MaxRedirects)
            {
                throw new MediaFailureException(MediaFailureReason.Unreachable, $"more than {MaxRedirects} redirects from {Describe(url)}");
            }

            url = new Uri(url, location);
            if (response.StatusCode == HttpStatusCode.SeeOther && method != HttpMethod.Head)
            {
                method = HttpMethod.Get;
            }
        }
    }

    /// <summary>
    /// Sends one request through the guarded connection and returns the response with its headers read, whatever its
    /// status: a redirect is returned, not followed. Webhook deliveries use this directly, so they share the fetcher's
    /// address rules, allow-list and connect-to-the-checked-address guard.
    /// </summary>
    /// <exception cref="MediaFailureException">The host resolves to a refused address, or does not exist.</exception>
    public async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e) when (Find<RefusedAddressException>(e) is { } refused)
        {
            throw new MediaFailureException(MediaFailureReason.Unreachable, refused.Message, e);
        }
        catch (HttpRequestException e) when (Find<SocketException>(e) is { SocketErrorCode: SocketError.HostNotFound })
        {
            throw new MediaFailureException(MediaFailureReason.Unreachable, $"host {request.RequestUri?.Host} does not exist", e);
        }
    }

    /// <summary>
    /// Turns a failed response into the right exception: a client error (the file is gone, forbidden, …) fails
    /// the media for good; a server error, 408 or 429 is transient and left to the queue's retries.
    /// </summary>
    public static void EnsureAvailable(HttpResponseMessage response, Uri url)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return;
        }

        if (TransientHttp.IsTransient(response.StatusCode))
        {
            throw new HttpRequestException($"{Describe(url)} answered {status}", null, response.StatusCode);
        }

        throw new MediaFailureException(MediaFailureReason.Unreachable, $"{Describe(url)} answered {status}");
    }

    /// <summary>The URL without its query, for error messages that callers see (a query may hold their tokens).</summary>
    public static string Describe(Uri url) => url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path) : url.OriginalString;

    public void Dispose() => _client.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var literal = host.Length > 2 && host[0] == '[' ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(literal, out var ip) ? [ip] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        // Every address must pass: the socket may connect to any of them.
        if (_addresses.FirstRefused(host, port, addresses) is { } blocked)
        {
            throw new RefusedAddressException($"{host} resolves to {blocked}, which is not a public address");
        }

        if (addresses.Length == 0)
        {
            throw new RefusedAddressException($"{host} has no address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Thrown inside the connect callback; the handler wraps it in an <see cref="HttpRequestException"/>.</summary>
    private sealed class RefusedAddressException(string message) : Exception(message);
}
