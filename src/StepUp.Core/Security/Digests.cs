using System.Security.Cryptography;
using System.Text;

namespace StepUp.Core.Security;

/// <summary>SHA-256 helpers and constant-time comparison, for secrets that are stored only as digests.</summary>
public static class Digests
{
    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static byte[] Sha256(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>SHA-256 of <paramref name="data"/>.</summary>
    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>Lowercase hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(Sha256(text));

    /// <summary>Lowercase hex SHA-256 of <paramref name="data"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Compares two byte sequences in time that depends only on their length.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);

    /// <summary>Compares the UTF-8 bytes of two strings in time that does not depend on where they differ.</summary>
    public static bool FixedTimeEquals(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        // Hash first so the comparison length is fixed and does not reveal the secret's length.
        return CryptographicOperations.FixedTimeEquals(Sha256(left), Sha256(right));
    }
}
