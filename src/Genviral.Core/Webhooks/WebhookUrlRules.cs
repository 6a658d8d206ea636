using System.Net;
using System.Net.Sockets;
using Genviral.Core.Media;

namespace Genviral.Core.Webhooks;

/// <summary>
/// Which URLs may receive events: https, at most 2,048 characters, and a host the media address rule accepts
/// (<see cref="MediaAddressRule"/>: public addresses, or a <c>host:port</c> on <c>Media__AllowedPrivateHosts</c>); an
/// allow-listed host is also the only one that may use plain http (a local receiver). Checked at registration, with the
/// host resolved, and again before each delivery, where the fetcher's connection guard checks the addresses it actually
/// connects to.
/// </summary>
public sealed class WebhookUrlRules(MediaAddressRule addresses)
{
    public const int MaxLength = 2048;

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(2);

    /// <summary>What is wrong with <paramref name="url"/> as written, or null; no lookup.</summary>
    public string? Check(string url)
    {
        if (url.Length > MaxLength)
        {
            return $"url is longer than {MaxLength} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            return "url must be an absolute https URL";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !addresses.IsAllowListed(uri.Host, uri.Port))
        {
            return "url must use https";
        }

        return addresses.RefusesLiteral(uri) ? "url host must not be a private, loopback, link-local or otherwise non-public address" : null;
    }

    /// <summary>
    /// <see cref="Check"/>, then the host resolved: a name with any refused address is refused. A name that does not
    /// resolve (yet) is accepted; every delivery checks the addresses again before it connects.
    /// </summary>
    public async Task<string?> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (Check(url) is { } problem)
        {
            return problem;
        }

        var uri = new Uri(url);
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || addresses.IsAllowListed(uri.Host, uri.Port))
        {
            return null;
        }

        IPAddress[] resolved;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            resolved = await Dns.GetHostAddressesAsync(uri.DnsSafeHost, timeout.Token);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        return addresses.FirstRefused(uri.Host, uri.Port, resolved) is { } blocked
            ? $"url host {uri.Host} resolves to {blocked}, which is not a public address"
            : null;
    }
}
