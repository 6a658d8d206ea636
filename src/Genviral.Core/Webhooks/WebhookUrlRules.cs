using System.Net;
using System.Net.Sockets;
using Genviral.Core.Media;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Webhooks;

/// <summary>
/// Which URLs may receive events: https, at most 2,048 characters, and a host that is a public address, by the media
/// fetcher's rule (<see cref="NetworkAddress"/>) and its single allow-list (<c>Media__AllowedPrivateHosts</c>), which is
/// also the only way to use plain http (a local receiver). Checked at registration, with the host resolved, and again
/// before each delivery, where the fetcher's connection guard checks the addresses it actually connects to.
/// </summary>
public sealed class WebhookUrlRules(IOptions<MediaOptions> media)
{
    public const int MaxLength = 2048;

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(2);
    private readonly IReadOnlySet<string> _allowed = media.Value.AllowedPrivateHostSet();

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

        var allowed = IsAllowListed(uri);
        if (uri.Scheme == Uri.UriSchemeHttp && !allowed)
        {
            return "url must use https";
        }

        return !allowed && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && !NetworkAddress.IsPublic(address)
            ? "url host must not be a private, loopback, link-local or otherwise non-public address"
            : null;
    }

    /// <summary>
    /// <see cref="Check"/>, then the host resolved: a name with any non-public address is refused. A name that does not
    /// resolve (yet) is accepted; every delivery checks the addresses again before it connects.
    /// </summary>
    public async Task<string?> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (Check(url) is { } problem)
        {
            return problem;
        }

        var uri = new Uri(url);
        if (IsAllowListed(uri) || IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            return null;
        }

        IPAddress[] addresses;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            addresses = await Dns.GetHostAddressesAsync(uri.DnsSafeHost, timeout.Token);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        return addresses.FirstOrDefault(a => !NetworkAddress.IsPublic(a)) is { } blocked
            ? $"url host {uri.Host} resolves to {blocked}, which is not a public address"
            : null;
    }

    private bool IsAllowListed(Uri uri) => _allowed.Contains($"{uri.Host.ToLowerInvariant()}:{uri.Port}");
}
