namespace StepUp.Core.Factors.Totp;

/// <summary>The HMAC hash of an HOTP/TOTP factor (RFC 6238 §1.2). Authenticator apps expect <see cref="Sha1"/>.</summary>
public enum OtpAlgorithm
{
    /// <summary>HMAC-SHA1, the RFC 4226 default and the only one every authenticator app supports.</summary>
    Sha1,

    /// <summary>HMAC-SHA256.</summary>
    Sha256,

    /// <summary>HMAC-SHA512.</summary>
    Sha512,
}
