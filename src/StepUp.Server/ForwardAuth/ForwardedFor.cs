using System.Net;
using Microsoft.Extensions.Primitives;
using StepUp.Server.Hosting;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// The client address of a proxied request from <c>X-Forwarded-For</c>: the rightmost entry that
/// is not a trusted proxy. Entries left of it were written by the client and prove nothing. When
/// every entry is a trusted proxy the leftmost is the origin; an entry that is not an address
/// (<c>unknown</c>, an obfuscated id) makes the client unknown rather than guessed.
/// </summary>
internal static class ForwardedFor
{
    /// <summary>Most entries read; a longer chain is read from its right end only.</summary>
    public const int MaxEntries = 64;

    /// <summary>
    /// The browser of <paramref name="http"/>: the TCP peer, or, when the peer is a trusted proxy
    /// (<c>StepUp:TrustedProxies</c>) that sent <c>X-Forwarded-For</c>, the client it names.
    /// </summary>
    public static IPAddress? RequestClient(HttpContext http, TrustedProxySet trusted)
    {
        var address = http.Connection.RemoteIpAddress;
        return trusted.Contains(address) && http.Request.Headers["X-Forwarded-For"].Count > 0
            ? ClientAddress(http.Request.Headers["X-Forwarded-For"], trusted)
            : address;
    }

    public static IPAddress? ClientAddress(StringValues headers, TrustedProxySet trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var entries = headers.SelectMany(h => (h ?? string.Empty).Split(',')).ToList();
        IPAddress? origin = null;
        for (var i = entries.Count - 1; i >= 0 && i >= entries.Count - MaxEntries; i--)
        {
            var entry = entries[i].AsSpan().Trim();
            if (entry.IsEmpty)
            {
                continue;
            }

            if (!TryParseEntry(entry, out var address))
            {
                return null;
            }

            if (!trusted.Contains(address))
            {
                return address;
            }

            origin = address;
        }

        return origin;
    }

    /// <summary>An address, optionally with a port: <c>192.0.2.1</c>, <c>192.0.2.1:443</c>, <c>2001:db8::1</c>, <c>[2001:db8::1]:443</c>.</summary>
    public static bool TryParseEntry(ReadOnlySpan<char> entry, out IPAddress address)
    {
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']');
            if (close < 0 || !(close == entry.Length - 1 || (entry[close + 1] == ':' && IsPort(entry[(close + 2)..]))))
            {
                address = IPAddress.None;
                return false;
            }

            return TrustedProxySet.TryParseAddress(entry[1..close], out address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        var colon = entry.IndexOf(':');
        if (colon >= 0 && entry.LastIndexOf(':') == colon)
        {
            // Exactly one ':' is IPv4 with a port; IPv6 has at least two.
            address = IPAddress.None;
            return IsPort(entry[(colon + 1)..]) && TrustedProxySet.TryParseAddress(entry[..colon], out address);
        }

        return TrustedProxySet.TryParseAddress(entry, out address);
    }

    private static bool IsPort(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 5 && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port <= 65535;
}
