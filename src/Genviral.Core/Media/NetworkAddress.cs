using System.Net;
using System.Net.Sockets;

namespace Genviral.Core.Media;

/// <summary>Which addresses a media fetch may connect to: only globally routable unicast ones.</summary>
public static class NetworkAddress
{
    /// <summary>
    /// False for loopback, private, link-local (cloud metadata 169.254.169.254 included), CGNAT, multicast,
    /// unspecified, reserved and documentation ranges, IPv6 ULA (fd00:ec2::254 included), link-local and site-local,
    /// and for IPv6 forms that embed such an IPv4 address (mapped, compatible, NAT64, 6to4).
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublicV4(address.MapToIPv4().GetAddressBytes());
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] == 0 // "this network", 0.0.0.0 included
        || b[0] == 10
        || b[0] == 127
        || (b[0] == 100 && (b[1] & 0xC0) == 64) // CGNAT 100.64.0.0/10
        || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata
        || (b[0] == 172 && (b[1] & 0xF0) == 16)
        || (b[0] == 192 && b[1] == 168)
        || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, TEST-NET-1
        || (b[0] == 198 && (b[1] & 0xFE) == 18) // benchmarking 198.18.0.0/15
        || (b[0] == 198 && b[1] == 51 && b[2] == 100)
        || (b[0] == 203 && b[1] == 0 && b[2] == 113)
        || b[0] >= 224); // multicast, reserved, broadcast

    private static bool IsPublicV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        if ((b[0] & 0xFE) == 0xFC)
        {
            return false; // unique local fc00::/7
        }

        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return false; // IPv4-compatible ::a.b.c.d (deprecated) and the rest of ::/96
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublicV4(b.AsSpan(12, 4)); // NAT64 64:ff9b::/96 reaches the embedded IPv4 address
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublicV4(b.AsSpan(2, 4)); // 6to4 2002::/16
        }

        return !(b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8); // documentation 2001:db8::/32
    }
}
