using System.Net;
using System.Net.Sockets;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// Decides which resolved addresses the metadata client may connect to. Checked after DNS resolution, at connect time,
/// so a public name that resolves (or re-binds) to an internal address is refused.
/// </summary>
internal static class NetworkAddressPolicy
{
    // Cloud metadata endpoints that sit in otherwise public ranges (Azure WireServer).
    private static readonly IPAddress[] PublicRangeMetadata = [IPAddress.Parse("168.63.129.16")];

    /// <summary>
    /// True for globally routable unicast addresses. False for loopback, RFC 1918, CGNAT, link-local (incl. 169.254.169.254),
    /// documentation, benchmarking, multicast, reserved, non-global IPv6, and IPv6 forms that embed an IPv4 address.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsPublicV4(address);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        // Only 2000::/3 is global unicast; that excludes loopback, unspecified, IPv4-compatible, NAT64 (64:ff9b::/96),
        // discard, ULA fc00::/7 (incl. AWS fd00:ec2::254), link-local, site-local and multicast.
        if ((b[0] & 0xE0) != 0x20
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // 2001:db8::/32 documentation
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) // 2001::/32 Teredo embeds an IPv4 address
            || (b[0] == 0x20 && b[1] == 0x02)) // 2002::/16 6to4 embeds an IPv4 address
        {
            return false;
        }

        return true;
    }

    private static bool IsPublicV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        var isPrivate = b[0] switch
        {
            0 or 10 or 127 => true, // "this" network, RFC 1918, loopback
            100 => b[1] is >= 64 and <= 127, // 100.64.0.0/10 CGNAT (incl. Alibaba metadata 100.100.100.200)
            169 => b[1] == 254, // link-local, incl. 169.254.169.254 metadata
            172 => b[1] is >= 16 and <= 31,
            192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99), // RFC 1918, IETF, TEST-NET-1, 6to4 relay
            198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100), // benchmarking, TEST-NET-2
            203 => b[1] == 0 && b[2] == 113, // TEST-NET-3
            >= 224 => true, // multicast, reserved, broadcast
            _ => false,
        };
        return !isPrivate && Array.IndexOf(PublicRangeMetadata, address) < 0;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, refuses the connection when any address is
    /// not public, then connects to the addresses it checked (so DNS cannot change between check and use). A loopback
    /// literal or <c>localhost</c> may reach loopback addresses only: <see cref="IssuerUrl"/> lets such URLs through
    /// solely for explicitly listed http issuers.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var loopbackHost = IssuerUrl.IsLoopbackLiteral(host);
        foreach (var address in addresses)
        {
            var allowed = allowPrivate || (loopbackHost ? IPAddress.IsLoopback(address) : IsPublic(address));
            if (!allowed)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Refused to connect to a non-public network address.");
            }
        }

        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, "The host name did not resolve.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
