namespace StepUp.Core.Factors.WebAuthn;

/// <summary><c>ResidentKeyRequirement</c> (WebAuthn L3 §5.4.6): whether the credential should be discoverable.</summary>
public enum WebAuthnResidentKey
{
    /// <summary><c>preferred</c>: a discoverable credential (passkey) when the authenticator can make one.</summary>
    Preferred,

    /// <summary><c>required</c>: only a discoverable credential.</summary>
    Required,

    /// <summary><c>discouraged</c>: a server-side credential when possible.</summary>
    Discouraged,
}
