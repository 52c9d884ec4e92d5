using System.Net;
using System.Net.Sockets;

namespace StepUp.Server.Hosting;

/// <summary>
/// The networks of <c>StepUp:TrustedProxies:N</c> (addresses or CIDRs, IPv4 and IPv6). An IPv4
/// network also contains the IPv4-mapped IPv6 form of its addresses (<c>::ffff:10.0.0.1</c>), as a
/// dual-stack listener reports them. Parsing is strict: dotted-quad IPv4, no zone ids, no ports.
/// </summary>
internal sealed class TrustedProxySet
{
    private readonly (byte[] Prefix, int Bits)[] _networks;

    private TrustedProxySet((byte[] Prefix, int Bits)[] networks) => _networks = networks;

    /// <summary>No trusted proxy.</summary>
    public static TrustedProxySet Empty { get; } = new([]);

    public bool IsEmpty => _networks.Length == 0;

    /// <summary>Parses every entry; names each bad one in <paramref name="errors"/>.</summary>
    public static TrustedProxySet Parse(IEnumerable<string?> entries, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(errors);
        var networks = new List<(byte[], int)>();
        var index = 0;
        foreach (var entry in entries)
        {
            if (TryParseNetwork(entry?.Trim(), out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"StepUp:TrustedProxies:{index}: '{entry}' is not an IP address or CIDR (10.0.0.0/8, 2001:db8::/32)");
            }

            index++;
        }

        return new TrustedProxySet([.. networks]);
    }

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped forms included) is a trusted proxy; null never is.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!Normalize(address).TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        var value = bytes[..written];
        foreach (var (prefix, bits) in _networks)
        {
            if (prefix.Length == value.Length && PrefixEquals(prefix, value, bits))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>IPv4-mapped IPv6 addresses become IPv4; others are returned as they are.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>
    /// Strict address parsing: dotted-quad IPv4 (no leading zeros, no short forms) or IPv6 without
    /// a zone id. IPv4-mapped IPv6 is returned as IPv4.
    /// </summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.IsEmpty || text.Length > 45 || text.Contains('%'))
        {
            return false;
        }

        var isV6 = text.Contains(':');
        if (!isV6 && !IsDottedQuad(text))
        {
            return false;
        }

        if (!IPAddress.TryParse(text, out var parsed) ||
            (parsed.AddressFamily == AddressFamily.InterNetworkV6) != isV6)
        {
            return false;
        }

        address = Normalize(parsed);
        return true;
    }

    private static bool TryParseNetwork(string? text, out (byte[] Prefix, int Bits) network)
    {
        network = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        var mapped = addressText.Contains(':') && IPAddress.TryParse(addressText, out var raw) && raw.IsIPv4MappedToIPv6;
        if (!TryParseAddress(addressText, out var address))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var maxBits = bytes.Length * 8;
        var bits = maxBits;
        if (slash >= 0)
        {
            var digits = text.AsSpan(slash + 1);
            if (digits.IsEmpty || digits.Length > 3 || (digits.Length > 1 && digits[0] == '0') || !int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bits))
            {
                return false;
            }

            // ::ffff:10.0.0.0/104 names the IPv4 network 10.0.0.0/8.
            if (mapped)
            {
                bits -= 96;
                if (bits < 0)
                {
                    return false;
                }
            }

            if (bits > maxBits)
            {
                return false;
            }
        }

        network = (bytes, bits);
        return true;
    }

    private static bool PrefixEquals(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> value, int bits)
    {
        var whole = bits / 8;
        if (!prefix[..whole].SequenceEqual(value[..whole]))
        {
            return false;
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (prefix[whole] & mask) == (value[whole] & mask);
    }

    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var parts = 0;
        var digits = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (digits == 0 || digits > 3 || (digits > 1 && text[i - digits] == '0'))
                {
                    return false;
                }

                parts++;
                digits = 0;
            }
            else if (char.IsAsciiDigit(text[i]))
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        return parts == 4;
    }
}
