using System.Net;
using Microsoft.Extensions.Options;

namespace Genviral.Core.Media;

/// <summary>
/// Which addresses a post's media may come from: public ones (<see cref="NetworkAddress.IsPublic"/>), and any address
/// of a <c>host:port</c> the operator allows (<see cref="MediaOptions.AllowedPrivateHosts"/>). The same rule decides
/// when a post is written, for a URL whose host is an IP literal (a host name is resolved only when fetched), and in
/// the fetcher, for every address a host resolves to; so a URL accepted at create time is not refused later for its address.
/// </summary>
public sealed class MediaAddressRule(IOptions<MediaOptions> options)
{
    private readonly IReadOnlySet<string> _allowed = options.Value.AllowedPrivateHostSet();

    /// <summary>The first of <paramref name="addresses"/> that a connection to <paramref name="host"/>:<paramref name="port"/> may not use, or null.</summary>
    /// <param name="host">As a URI names it; an IPv6 literal with or without its brackets.</param>
    public IPAddress? FirstRefused(string host, int port, IEnumerable<IPAddress> addresses) =>
        IsAllowListed(host, port) ? null : addresses.FirstOrDefault(a => !NetworkAddress.IsPublic(a));

    /// <summary>True when the operator allows <paramref name="host"/>:<paramref name="port"/> whatever its addresses (a local server).</summary>
    /// <param name="host">As a URI names it; an IPv6 literal with or without its brackets.</param>
    public bool IsAllowListed(string host, int port) => _allowed.Contains(Key(host, port));

    /// <summary>True when <paramref name="url"/> names its host by an IP literal that the rule refuses.</summary>
    public bool RefusesLiteral(Uri url) =>
        url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && (!IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) || FirstRefused(url.Host, url.Port, [address]) is not null);

    // Allow-list entries are written host:port, an IPv6 literal in brackets, as a URL's authority shows it.
    private static string Key(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) && host[0] != '[' ? $"[{host}]" : host).ToLowerInvariant() + ":" + port;
}
