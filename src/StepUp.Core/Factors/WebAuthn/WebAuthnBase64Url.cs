using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// Base64url without padding (RFC 4648 §5), as the WebAuthn L3 JSON serialisation uses for every
/// binary member. Decoding is strict: only the URL-safe alphabet, no padding or white space, and
/// the unused low bits of the last character must be zero, so each byte string has one spelling.
/// </summary>
public static class WebAuthnBase64Url
{
    /// <summary>Encodes <paramref name="bytes"/> without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>
    /// Decodes <paramref name="text"/>; false when it is null, not canonical unpadded base64url, or
    /// would decode to more than <paramref name="maxBytes"/> bytes (checked before any work).
    /// </summary>
    public static bool TryDecode(string? text, int maxBytes, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null || maxBytes < 0 || text.Length > MaxEncodedLength(maxBytes) || text.Length % 4 == 1)
        {
            return false;
        }

        var last = 0;
        foreach (var c in text)
        {
            last = SextetOf(c);
            if (last < 0)
            {
                return false;
            }
        }

        // With 2 (or 3) characters in the last group, only the top 2 (or 4) bits of the last one carry data.
        var unusedBits = (text.Length % 4) switch { 2 => 0x0F, 3 => 0x03, _ => 0 };
        if ((last & unusedBits) != 0)
        {
            return false;
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (!Base64Url.TryDecodeFromChars(text, buffer, out var written) || written > maxBytes)
        {
            return false;
        }

        bytes = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        return true;
    }

    private static int MaxEncodedLength(int maxBytes) => (int)Math.Min(int.MaxValue, ((long)maxBytes * 4 + 2) / 3);

    private static int SextetOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}
