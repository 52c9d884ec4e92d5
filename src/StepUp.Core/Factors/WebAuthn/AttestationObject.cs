using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>The attestation object (WebAuthn L3 §6.5): a CBOR map of <c>fmt</c>, <c>attStmt</c> and <c>authData</c>.</summary>
internal sealed class AttestationObject
{
    private AttestationObject(string format, CborValue statement, ReadOnlyMemory<byte> authDataBytes, AuthenticatorData authData)
    {
        Format = format;
        Statement = statement;
        AuthenticatorDataBytes = authDataBytes;
        AuthenticatorData = authData;
    }

    public string Format { get; }

    /// <summary>The <c>attStmt</c> map.</summary>
    public CborValue Statement { get; }

    public ReadOnlyMemory<byte> AuthenticatorDataBytes { get; }

    public AuthenticatorData AuthenticatorData { get; }

    /// <summary>Null on success; otherwise the malformed-CBOR, -object or -authenticator-data code.</summary>
    public static string? TryRead(ReadOnlyMemory<byte> encoded, out AttestationObject? attestation)
    {
        attestation = null;
        if (CborDecoder.DecodeExact(encoded, out var root) != CborError.None)
        {
            return WebAuthnErrors.MalformedCbor;
        }

        if (root!.Kind != CborKind.Map ||
            root.Get("fmt") is not { Kind: CborKind.TextString } fmt ||
            root.Get("attStmt") is not { Kind: CborKind.Map } statement ||
            root.Get("authData") is not { Kind: CborKind.ByteString } authDataBytes)
        {
            return WebAuthnErrors.MalformedAttestationObject;
        }

        if (!AuthenticatorData.TryParse(authDataBytes.Bytes, out var authData))
        {
            return WebAuthnErrors.MalformedAuthenticatorData;
        }

        attestation = new AttestationObject(fmt.Text, statement, authDataBytes.Bytes, authData);
        return null;
    }
}
