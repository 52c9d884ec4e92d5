using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StepUp.Core.Factors.Totp;

/// <summary>HOTP (RFC 4226): HMAC over an 8-byte big-endian counter, dynamic truncation, decimal digits.</summary>
public static class Hotp
{
    private static readonly int[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>The code for <paramref name="counter"/> as a number (format it with <see cref="Format"/>).</summary>
    /// <exception cref="ArgumentException">The secret is empty, the counter negative or the digits outside 6–8.</exception>
    public static int Compute(ReadOnlySpan<byte> secret, long counter, int digits = 6, OtpAlgorithm algorithm = OtpAlgorithm.Sha1)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The OTP secret is empty.", nameof(secret));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(counter);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, TotpOptions.MinDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, TotpOptions.MaxDigits);
        return ComputeUnchecked(secret, counter, digits, algorithm);
    }

    /// <summary>The code for <paramref name="counter"/>, zero-padded to <paramref name="digits"/> characters.</summary>
    public static string Generate(ReadOnlySpan<byte> secret, long counter, int digits = 6, OtpAlgorithm algorithm = OtpAlgorithm.Sha1) =>
        Format(Compute(secret, counter, digits, algorithm), digits);

    /// <summary>A code number as the zero-padded digits a user types.</summary>
    public static string Format(int code, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(code);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, TotpOptions.MinDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, TotpOptions.MaxDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(code, PowersOfTen[digits]);
        return string.Create(digits, code, static (chars, value) => WriteDigits(value, chars));
    }

    internal static int ComputeUnchecked(ReadOnlySpan<byte> secret, long counter, int digits, OtpAlgorithm algorithm)
    {
        using var hmac = CreateHmac(secret, algorithm);
        return ComputeUnchecked(hmac, counter, digits);
    }

    /// <summary>
    /// The code for <paramref name="counter"/> from a keyed HMAC, which is left reset for the next counter.
    /// Reusing one keyed HMAC across the steps of a window costs about half as much as keying it each time.
    /// </summary>
    internal static int ComputeUnchecked(IncrementalHash hmac, long counter, int digits)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[HMACSHA512.HashSizeInBytes];
        hmac.AppendData(message);
        var length = hmac.GetHashAndReset(mac);

        // RFC 4226 §5.3 dynamic truncation: the low nibble of the last byte picks four bytes; drop the sign bit.
        var offset = mac[length - 1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac.Slice(offset, 4)) & 0x7FFF_FFFF;
        CryptographicOperations.ZeroMemory(mac);
        return binary % PowersOfTen[digits];
    }

    /// <summary>A keyed HMAC for <paramref name="algorithm"/>.</summary>
    internal static IncrementalHash CreateHmac(ReadOnlySpan<byte> secret, OtpAlgorithm algorithm) =>
        IncrementalHash.CreateHMAC(
            algorithm switch
            {
                // HMAC-SHA1 is what RFC 4226/6238 and every authenticator app use; collisions in SHA-1 do not
                // weaken HMAC-SHA1 as a keyed PRF, which is all HOTP relies on.
                OtpAlgorithm.Sha1 => HashAlgorithmName.SHA1,
                OtpAlgorithm.Sha256 => HashAlgorithmName.SHA256,
                OtpAlgorithm.Sha512 => HashAlgorithmName.SHA512,
                _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown OTP algorithm."),
            },
            secret);

    /// <summary>Writes <paramref name="value"/> as exactly <c>destination.Length</c> ASCII digits.</summary>
    internal static void WriteDigits(int value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>Writes <paramref name="value"/> as exactly <c>destination.Length</c> ASCII digit bytes.</summary>
    internal static void WriteDigits(int value, Span<byte> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
