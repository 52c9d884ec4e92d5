using System.Globalization;
using System.Text;

namespace StepUp.Core.Factors.Totp;

/// <summary>
/// The <c>otpauth://totp/</c> enrolment URI of Google Authenticator's Key Uri Format, the one every
/// authenticator app scans: <c>otpauth://totp/Issuer:account?secret=…&amp;issuer=…&amp;algorithm=…&amp;digits=…&amp;period=…</c>.
/// </summary>
public static class OtpAuthUri
{
    /// <summary>
    /// The URI for <paramref name="secret"/>. Issuer and account are percent-encoded as UTF-8 (a space is
    /// <c>%20</c>, never <c>+</c>; a colon in the account is <c>%3A</c>), so the label's one literal colon
    /// separates them unambiguously.
    /// </summary>
    /// <exception cref="ArgumentException">The issuer or account is empty, the issuer contains a colon, or the secret is empty.</exception>
    public static string Create(string issuer, string account, ReadOnlySpan<byte> secret, TotpOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        if (issuer.Contains(':', StringComparison.Ordinal))
        {
            // The Key Uri Format forbids it: apps that decode the label before splitting would misread the issuer.
            throw new ArgumentException("The TOTP issuer must not contain a colon.", nameof(issuer));
        }

        if (secret.IsEmpty)
        {
            throw new ArgumentException("The TOTP secret is empty.", nameof(secret));
        }

        options ??= TotpOptions.Default;
        var encodedIssuer = Uri.EscapeDataString(issuer);
        var uri = new StringBuilder(128)
            .Append("otpauth://totp/").Append(encodedIssuer).Append(':').Append(Uri.EscapeDataString(account))
            .Append("?secret=").Append(Base32.Encode(secret))
            .Append("&issuer=").Append(encodedIssuer)
            .Append("&algorithm=").Append(AlgorithmName(options.Algorithm))
            .Append("&digits=").Append(options.Digits.ToString(CultureInfo.InvariantCulture))
            .Append("&period=").Append(options.PeriodSeconds.ToString(CultureInfo.InvariantCulture));
        return uri.ToString();
    }

    /// <summary>The <c>algorithm</c> parameter value: <c>SHA1</c>, <c>SHA256</c> or <c>SHA512</c>.</summary>
    public static string AlgorithmName(OtpAlgorithm algorithm) => algorithm switch
    {
        OtpAlgorithm.Sha1 => "SHA1",
        OtpAlgorithm.Sha256 => "SHA256",
        OtpAlgorithm.Sha512 => "SHA512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown OTP algorithm."),
    };
}
