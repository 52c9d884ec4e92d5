using System.Diagnostics.CodeAnalysis;

namespace StepUp.Core.Factors.Totp;

/// <summary>
/// RFC 4648 §6 Base32, the encoding of TOTP secrets in <c>otpauth://</c> URIs. Encodes uppercase without
/// padding; decodes either case, with or without padding, ignoring white space (secrets are shown in groups).
/// </summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Uppercase, unpadded Base32 of <paramref name="data"/>.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var length = checked((data.Length * 8) + 4) / 5;
        Span<char> chars = length <= 512 ? stackalloc char[length] : new char[length];
        var buffer = 0;
        var bits = 0;
        var written = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[written++] = Alphabet[(buffer >> bits) & 31];
            }

            buffer &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            chars[written++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars[..written]);
    }

    /// <summary>The bytes of a Base32 string.</summary>
    /// <exception cref="FormatException">Not Base32: an invalid character, an impossible length, misplaced padding or non-zero trailing bits.</exception>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryDecode(text, out var bytes) ? bytes : throw new FormatException("The text is not RFC 4648 Base32.");
    }

    /// <summary>Decodes like <see cref="Decode"/>, answering <see langword="false"/> instead of throwing.</summary>
    public static bool TryDecode(string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null)
        {
            return false;
        }

        var output = new byte[text.Length * 5 / 8];
        var buffer = 0;
        var bits = 0;
        var symbols = 0;
        var padding = 0;
        var written = 0;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            if (c == '=')
            {
                padding++;
                continue;
            }

            var value = ValueOf(c);
            if (value < 0 || padding > 0)
            {
                return false; // not in the alphabet, or data after padding
            }

            symbols++;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[written++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        // A final quantum has 2, 4, 5 or 7 symbols (8, 16, 24 or 32 bits); padding, when present, completes it to 8.
        var partial = symbols % 8;
        if (partial is 1 or 3 or 6 || buffer != 0 || (padding > 0 && (symbols + padding) % 8 != 0) || padding >= 8)
        {
            return false;
        }

        bytes = written == output.Length ? output : output[..written];
        return true;
    }

    private static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        >= '2' and <= '7' => c - '2' + 26,
        _ => -1,
    };
}
