namespace StepUp.Core.Factors.RecoveryCodes;

/// <summary>
/// A fresh set of recovery codes: <see cref="Codes"/> are shown to the user once and never stored;
/// <see cref="Hashes"/> (same order) are what the store keeps. A new set replaces the old one entirely.
/// </summary>
public sealed class RecoveryCodeSet
{
    /// <summary>Codes in a set.</summary>
    public const int Count = 10;

    private RecoveryCodeSet(IReadOnlyList<string> codes, IReadOnlyList<byte[]> hashes)
    {
        Codes = codes;
        Hashes = hashes;
    }

    /// <summary>The codes as the user sees them, <c>xxxx-xxxx-xxxx</c>.</summary>
    public IReadOnlyList<string> Codes { get; }

    /// <summary>HMAC-SHA256 of each code under the server key, in the order of <see cref="Codes"/>.</summary>
    public IReadOnlyList<byte[]> Hashes { get; }

    /// <summary>Ten new, distinct codes and their hashes under <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is shorter than <see cref="RecoveryCode.MinKeyBytes"/>.</exception>
    public static RecoveryCodeSet Generate(ReadOnlySpan<byte> key)
    {
        if (key.Length < RecoveryCode.MinKeyBytes)
        {
            throw new ArgumentException($"The recovery code key must be at least {RecoveryCode.MinKeyBytes} bytes.", nameof(key));
        }

        var codes = new List<string>(Count);
        var hashes = new List<byte[]>(Count);
        while (codes.Count < Count)
        {
            var code = RecoveryCode.NewCode();
            if (codes.Contains(code, StringComparer.Ordinal))
            {
                continue; // a 1-in-2^60 event per pair, but the set must not hold a code twice
            }

            codes.Add(code);
            hashes.Add(RecoveryCode.HashNormalized(key, RecoveryCode.Normalize(code)!));
        }

        return new RecoveryCodeSet(codes.AsReadOnly(), hashes.AsReadOnly());
    }
}
