namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// One network: an IPv4 CIDR (<c>10.0.0.0/8</c>), an IPv6 CIDR (<c>2001:db8::/32</c>) or a bare
/// address (a /32 or /128). Host bits below the prefix are ignored.
/// </summary>
internal readonly record struct Cidr(UInt128 Prefix, UInt128 Mask, bool IsV4)
{
    public static bool TryParse(ReadOnlySpan<char> text, out Cidr cidr)
    {
        cidr = default;
        var slash = text.IndexOf('/');
        var address = slash < 0 ? text : text[..slash];
        if (!IpAddressParser.TryParse(address, out var value, out var isV4))
        {
            return false;
        }

        var maxBits = isV4 ? 32 : 128;
        var bits = maxBits;
        if (slash >= 0)
        {
            var digits = text[(slash + 1)..];
            if (digits.IsEmpty || digits.Length > 3 || (digits.Length > 1 && digits[0] == '0'))
            {
                return false;
            }

            bits = 0;
            foreach (var c in digits)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                bits = (bits * 10) + (c - '0');
            }

            if (bits > maxBits)
            {
                return false;
            }
        }

        // IPv4 values live in the ::ffff:0:0/96 range, so an IPv4 /n is an IPv6 /(96+n).
        var totalBits = isV4 ? 96 + bits : bits;
        var mask = totalBits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - totalBits);
        cidr = new Cidr(value & mask, mask, isV4);
        return true;
    }

    /// <summary>
    /// An IPv4 network contains IPv4 addresses and their IPv4-mapped IPv6 forms; an IPv6 network
    /// contains IPv6 addresses only (a bare IPv4 address is not in <c>::/0</c>).
    /// </summary>
    public bool Contains(UInt128 address, bool addressIsV4) => (IsV4 || !addressIsV4) && (address & Mask) == Prefix;
}

/// <summary>A parsed list of networks for <c>ip_in</c>, built once at load time for constant lists.</summary>
internal sealed class CidrSet(Cidr[] networks)
{
    public bool Contains(UInt128 address, bool addressIsV4)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address, addressIsV4))
            {
                return true;
            }
        }

        return false;
    }
}
