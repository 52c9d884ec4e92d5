namespace StepUp.Core.Factors.WebAuthn;

/// <summary>COSE algorithm identifiers (IANA "COSE Algorithms") that StepUp verifies.</summary>
public static class WebAuthnAlgorithms
{
    /// <summary>ECDSA with P-256 and SHA-256; WebAuthn signatures are ASN.1 DER.</summary>
    public const int Es256 = -7;

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    public const int Rs256 = -257;

    /// <summary>Both, in order of preference: what creation options offer by default.</summary>
    public static IReadOnlyList<int> All { get; } = [Es256, Rs256];
}
