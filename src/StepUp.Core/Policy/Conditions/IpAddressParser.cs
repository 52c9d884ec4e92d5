namespace StepUp.Core.Policy.Conditions;

/// <summary>
/// Allocation-free IPv4/IPv6 parsing into a 128-bit value. IPv4 addresses are stored in their
/// IPv4-mapped IPv6 form (<c>::ffff:a.b.c.d</c>), so a mapped address and the bare IPv4 address
/// have the same value. Strict: no leading zeros in IPv4 octets, no zone ids, no brackets.
/// </summary>
internal static class IpAddressParser
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;

    /// <param name="isV4">True when the text was a dotted-quad IPv4 address (not an IPv6 form).</param>
    public static bool TryParse(ReadOnlySpan<char> text, out UInt128 value, out bool isV4)
    {
        if (text.IndexOf(':') < 0)
        {
            isV4 = true;
            if (TryParseV4(text, out var v4))
            {
                value = MappedPrefix | v4;
                return true;
            }

            value = default;
            return false;
        }

        isV4 = false;
        return TryParseV6(text, out value);
    }

    /// <summary>Whether the value is an IPv4 address (bare or IPv4-mapped).</summary>
    public static bool IsMappedV4(UInt128 value) => value >> 32 == 0xFFFF;

    private static bool TryParseV4(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        var parts = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var octet = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                if (i - start == 3)
                {
                    return false;
                }

                octet = (octet * 10) + (text[i] - '0');
                i++;
            }

            if (i == start || (i - start > 1 && text[start] == '0') || octet > 255)
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
            parts++;
            if (i == text.Length)
            {
                return parts == 4;
            }

            if (text[i] != '.' || parts == 4)
            {
                return false;
            }

            i++;
        }
    }

    private static bool TryParseV6(ReadOnlySpan<char> text, out UInt128 value)
    {
        value = default;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1; // index in groups where "::" stands
        var i = 0;

        if (text.StartsWith("::"))
        {
            gap = 0;
            i = 2;
        }
        else if (text.Length > 0 && text[0] == ':')
        {
            return false;
        }

        while (i < text.Length)
        {
            var start = i;
            var group = 0;
            while (i < text.Length && char.IsAsciiHexDigit(text[i]) && i - start < 5)
            {
                group = (group << 4) | HexValue(text[i]);
                i++;
            }

            if (i < text.Length && text[i] == '.')
            {
                // Embedded IPv4 in the last 32 bits, e.g. ::ffff:192.0.2.1.
                if (count > 6 || !TryParseV4(text[start..], out var v4))
                {
                    return false;
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                i = text.Length;
                break;
            }

            if (i == start || i - start > 4 || count == 8)
            {
                return false;
            }

            groups[count++] = (ushort)group;
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != ':')
            {
                return false;
            }

            i++;
            if (i < text.Length && text[i] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                i++;
            }
            else if (i == text.Length)
            {
                return false; // trailing single ':'
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        var zeros = 8 - count;
        for (var g = 0; g < 8; g++)
        {
            ushort part;
            if (gap < 0 || g < gap)
            {
                part = groups[g];
            }
            else if (g < gap + zeros)
            {
                part = 0;
            }
            else
            {
                part = groups[g - zeros];
            }

            value = (value << 16) | part;
        }

        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
