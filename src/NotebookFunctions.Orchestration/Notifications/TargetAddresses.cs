using System.Net;
using System.Net.Sockets;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// Which IP addresses a notification may not reach unless the host allows non-public targets (the SSRF guard), and
/// the resolution of a target's host name to its addresses. Checked when a run is asked for and again by the
/// delivery's connection itself, so a name that resolves elsewhere later (DNS rebinding) is still refused.
/// </summary>
public static class TargetAddresses
{
    /// <summary>How long a target's name may take to resolve when a request is checked.</summary>
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Why an address is not a public one (in words a refusal can use), or null when it is.</summary>
    public static string? NonPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6) return NonPublic(address.MapToIPv4());
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6Loopback)) return "a loopback address";
            if (address.Equals(IPAddress.IPv6Any)) return "the unspecified address";
            if (b[0] == 0xff) return "a multicast address";
            if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "a link-local address";
            if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "a site-local address";
            if ((b[0] & 0xfe) == 0xfc) return "a unique-local (private) address";
            // Forms that carry an IPv4 address inside: IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
            if (b.Take(12).All(x => x == 0)) return NonPublic(new IPAddress(b[12..16]));
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.Skip(4).Take(8).All(x => x == 0)) return NonPublic(new IPAddress(b[12..16]));
            if (b[0] == 0x20 && b[1] == 0x02) return NonPublic(new IPAddress(b[2..6]));
            return null;
        }

        var v4 = address.GetAddressBytes();
        return v4 switch
        {
            [0, ..] => "the unspecified address (0.0.0.0/8)",
            [127, ..] => "a loopback address",
            [10, ..] => "a private address (10.0.0.0/8)",
            [172, >= 16 and <= 31, ..] => "a private address (172.16.0.0/12)",
            [192, 168, ..] => "a private address (192.168.0.0/16)",
            [100, >= 64 and <= 127, ..] => "a shared (carrier-grade NAT) address (100.64.0.0/10)",
            [169, 254, ..] => "a link-local address (169.254.0.0/16, where cloud metadata endpoints live)",
            [192, 0, 0, _] => "an IETF protocol address (192.0.0.0/24)",
            [198, 18 or 19, ..] => "a benchmarking address (198.18.0.0/15)",
            [>= 224 and <= 239, ..] => "a multicast address",
            [>= 240, ..] => "a reserved or broadcast address",
            _ => null,
        };
    }

    /// <summary>The addresses a host stands for: itself when it is an IP literal, else what DNS answers now.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        return await Dns.GetHostAddressesAsync(host, timeout.Token);
    }

    /// <summary>The first address of <paramref name="addresses"/> the policy refuses, with why; null when all may be reached.</summary>
    public static (IPAddress Address, string Why)? FirstRefused(IEnumerable<IPAddress> addresses, NotificationTargetPolicy policy)
    {
        if (policy.AllowPrivate) return null;
        foreach (var address in addresses)
        {
            if (NonPublic(address) is { } why) return (address, why);
        }

        return null;
    }
}
