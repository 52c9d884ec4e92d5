namespace StepUp.Core.Factors.WebAuthn;

/// <summary>Size limits applied before decoding: generous for real authenticators, small enough to bound hostile input.</summary>
internal static class WebAuthnLimits
{
    /// <summary>WebAuthn L3 §6.1: credentialIdLength ≤ 1023.</summary>
    public const int MaxCredentialIdBytes = 1023;

    /// <summary>WebAuthn L3 §5.4.3: a user handle is at most 64 bytes.</summary>
    public const int MaxUserHandleBytes = 64;

    public const int MaxClientDataBytes = 16 * 1024;
    public const int MaxAttestationObjectBytes = 64 * 1024;
    public const int MaxAuthenticatorDataBytes = 16 * 1024;

    /// <summary>An RSA-4096 signature is 512 bytes; a DER ES256 signature at most 72.</summary>
    public const int MaxSignatureBytes = 1024;

    public const int MaxTransports = 16;
    public const int MaxTransportLength = 32;
}
