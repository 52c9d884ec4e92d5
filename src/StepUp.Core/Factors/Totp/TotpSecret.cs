using System.Security.Cryptography;

namespace StepUp.Core.Factors.Totp;

/// <summary>New TOTP seeds: 160 random bits, the length RFC 4226 §4 recommends and HMAC-SHA1's block fits.</summary>
public static class TotpSecret
{
    /// <summary>Bytes in a generated seed (20 = 160 bits, 32 Base32 characters).</summary>
    public const int SizeInBytes = 20;

    /// <summary>A new seed from the operating system's CSPRNG. Seal it before storing it; show it only at enrolment.</summary>
    public static byte[] Generate() => RandomNumberGenerator.GetBytes(SizeInBytes);
}
