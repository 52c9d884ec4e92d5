using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// StepUp's attestation policy (L3 §7.1 steps 21–22, §8.2, §8.7): <c>none</c> with an empty
/// statement, and <c>packed</c> self attestation (no <c>x5c</c>: <c>sig</c> made by the credential's
/// own key over <c>authData ‖ clientDataHash</c>, with <c>alg</c> equal to the key's). Certificate
/// attestation of any format is refused: StepUp keeps no trust anchors, so it could not tell a
/// real attestation from a forged one, and the options it issues ask for <c>none</c>.
/// </summary>
internal static class AttestationStatement
{
    public const string None = "none";
    public const string Packed = "packed";

    public static string? Verify(AttestationObject attestation, WebAuthnPublicKey credentialKey, byte[] clientDataJson)
    {
        var statement = attestation.Statement;
        switch (attestation.Format)
        {
            case None:
                return statement.Entries.Count == 0 ? null : WebAuthnErrors.BadAttestationStatement;
            case Packed:
                return VerifyPackedSelf(attestation, statement, credentialKey, clientDataJson);
            default:
                return WebAuthnErrors.AttestationUnsupported;
        }
    }

    private static string? VerifyPackedSelf(AttestationObject attestation, CborValue statement, WebAuthnPublicKey credentialKey, byte[] clientDataJson)
    {
        if (statement.Get("x5c") is not null || statement.Get("ecdaaKeyId") is not null)
        {
            return WebAuthnErrors.AttestationUnsupported;
        }

        if (statement.Entries.Count != 2 ||
            statement.Get("alg") is not { } alg || !alg.TryGetInt64(out var algorithm) ||
            statement.Get("sig") is not { Kind: CborKind.ByteString } sig)
        {
            return WebAuthnErrors.BadAttestationStatement;
        }

        if (algorithm != credentialKey.Algorithm)
        {
            return WebAuthnErrors.BadAttestationStatement;
        }

        if (sig.Bytes.Length > WebAuthnLimits.MaxSignatureBytes)
        {
            return WebAuthnErrors.MalformedSignature;
        }

        var signed = CeremonyChecks.SignedData(attestation.AuthenticatorDataBytes.Span, clientDataJson);
        return credentialKey.VerifySignature(signed, sig.Bytes.ToArray());
    }
}
