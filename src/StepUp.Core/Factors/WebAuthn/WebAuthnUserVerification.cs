namespace StepUp.Core.Factors.WebAuthn;

/// <summary><c>UserVerificationRequirement</c> (WebAuthn L3 §5.8.6).</summary>
public enum WebAuthnUserVerification
{
    /// <summary><c>preferred</c>: verify the user when the authenticator can.</summary>
    Preferred,

    /// <summary><c>required</c>: the ceremony fails without user verification (what <c>aal3</c> asks).</summary>
    Required,

    /// <summary><c>discouraged</c>: do not verify the user.</summary>
    Discouraged,
}
