using System.Security.Cryptography;
using System.Text;

namespace StepUp.Core.Factors.RecoveryCodes;

/// <summary>
/// One recovery code: 12 characters of Crockford's Base32 (60 random bits) shown as <c>xxxx-xxxx-xxxx</c>,
/// stored only as HMAC-SHA256 under a server key, and matched without revealing which stored hash matched.
/// </summary>
public static class RecoveryCode
{
    /// <summary>Crockford's Base32 alphabet in lowercase: no <c>i</c>, <c>l</c>, <c>o</c> or <c>u</c>.</summary>
    public const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>Characters in a code, without the dashes (12 × 5 = 60 bits).</summary>
    public const int Length = 12;

    /// <summary>Smallest accepted server key, in bytes.</summary>
    public const int MinKeyBytes = 16;

    // Characters per dash-separated group when shown.
    private const int GroupLength = 4;

    // Longer input cannot be a code; refusing it early bounds the work an attacker can ask for.
    private const int MaxInputLength = 64;

    // Domain separation: the same server key may also key other HMACs.
    private static readonly byte[] HashLabel = "stepup/recovery-code/v1:"u8.ToArray();

    /// <summary>A new random code, formatted for display.</summary>
    public static string NewCode() => Format(RandomNumberGenerator.GetString(Alphabet, Length));

    /// <summary>
    /// The canonical form of what a user typed: white space and dashes dropped, lowercase, and Crockford's
    /// look-alikes mapped (<c>o</c> → <c>0</c>, <c>i</c>/<c>l</c> → <c>1</c>); <see langword="null"/> when it cannot be a code.
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length > MaxInputLength)
        {
            return null;
        }

        Span<char> chars = stackalloc char[Length];
        var count = 0;
        foreach (var raw in input)
        {
            if (char.IsWhiteSpace(raw) || raw == '-')
            {
                continue;
            }

            var c = Canonical(raw);
            if (c == '\0' || count == Length)
            {
                return null;
            }

            chars[count++] = c;
        }

        return count == Length ? new string(chars) : null;
    }

    /// <summary>The stored form of <paramref name="code"/>: HMAC-SHA256 of its normalised form under <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyBytes"/>.</exception>
    /// <exception cref="FormatException"><paramref name="code"/> is not a recovery code.</exception>
    public static byte[] Hash(ReadOnlySpan<byte> key, string code)
    {
        CheckKey(key);
        var normalized = Normalize(code) ?? throw new FormatException("Not a recovery code.");
        return HashNormalized(key, normalized);
    }

    /// <summary>
    /// The index in <paramref name="storedHashes"/> of the code the user typed (the last one should a hash
    /// appear twice), or −1. Every stored hash is
    /// compared, each in constant time, and the loop never exits early, so the time taken depends only on the
    /// number of hashes, not on whether or which one matched. Keep used codes as empty arrays to keep indexes
    /// stable: they never match. Input that cannot be a code answers −1 without hashing.
    /// </summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="MinKeyBytes"/> or a stored hash is null.</exception>
    public static int Match(ReadOnlySpan<byte> key, string? input, IReadOnlyList<byte[]> storedHashes)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(storedHashes);
        var normalized = Normalize(input);
        if (normalized is null)
        {
            return -1;
        }

        var candidate = HashNormalized(key, normalized);
        var found = -1;
        for (var i = 0; i < storedHashes.Count; i++)
        {
            var stored = storedHashes[i] ?? throw new ArgumentException("A stored recovery code hash is null.", nameof(storedHashes));
            var hit = CryptographicOperations.FixedTimeEquals(candidate, stored) ? 1 : 0;

            // Branch-free "remember i if it matched": -hit is all ones on a match and zero otherwise.
            found = (found & ~-hit) | (i & -hit);
        }

        CryptographicOperations.ZeroMemory(candidate);
        return found;
    }

    /// <summary>A normalised code shown as <c>xxxx-xxxx-xxxx</c>.</summary>
    internal static string Format(string normalized) =>
        string.Create(Length + (Length / GroupLength) - 1, normalized, static (chars, code) =>
        {
            var written = 0;
            for (var i = 0; i < code.Length; i++)
            {
                if (i > 0 && i % GroupLength == 0)
                {
                    chars[written++] = '-';
                }

                chars[written++] = code[i];
            }
        });

    internal static byte[] HashNormalized(ReadOnlySpan<byte> key, string normalized)
    {
        Span<byte> message = stackalloc byte[HashLabel.Length + Length];
        HashLabel.CopyTo(message);
        Encoding.ASCII.GetBytes(normalized, message[HashLabel.Length..]);
        var hash = HMACSHA256.HashData(key, message);
        CryptographicOperations.ZeroMemory(message);
        return hash;
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new ArgumentException($"The recovery code key must be at least {MinKeyBytes} bytes.", nameof(key));
        }
    }

    private static char Canonical(char c)
    {
        c = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
        return c switch
        {
            'o' => '0',
            'i' or 'l' => '1',
            _ when Alphabet.Contains(c, StringComparison.Ordinal) => c,
            _ => '\0',
        };
    }
}
