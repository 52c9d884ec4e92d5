using System.Buffers.Text;
using System.Security.Cryptography;

namespace StepUp.Core.Security;

/// <summary>Unguessable tokens from the operating system's CSPRNG.</summary>
public static class RandomTokens
{
    /// <summary>Base64url (no padding) of <paramref name="byteCount"/> random bytes.</summary>
    public static string UrlSafe(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(byteCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteCount, 1024);
        Span<byte> bytes = stackalloc byte[byteCount];
        RandomNumberGenerator.Fill(bytes);
        var token = Base64Url.EncodeToString(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return token;
    }
}
