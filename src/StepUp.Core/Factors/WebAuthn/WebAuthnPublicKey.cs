using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using StepUp.Core.Factors.WebAuthn.Cose;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// A credential public key parsed from its COSE form (ES256 on P-256, or RS256), ready to verify
/// signatures. Importing a key costs about as much as one verification, so a server may parse a
/// stored key once and pass it to <see cref="WebAuthnAssertion.Verify(WebAuthnAssertionResponse, WebAuthnAssertionExpectations, WebAuthnStoredCredential, WebAuthnPublicKey?)"/>;
/// verification on one instance may run on several threads at once (each call uses its own
/// OpenSSL context).
/// </summary>
public sealed class WebAuthnPublicKey : IDisposable
{
    private const int P256FieldBytes = 32;

    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;

    private WebAuthnPublicKey(byte[] coseKey, int algorithm, ECDsa? ecdsa, RSA? rsa)
    {
        CoseKey = coseKey;
        Algorithm = algorithm;
        _ecdsa = ecdsa;
        _rsa = rsa;
    }

    /// <summary>The COSE algorithm: <see cref="WebAuthnAlgorithms.Es256"/> or <see cref="WebAuthnAlgorithms.Rs256"/>.</summary>
    public int Algorithm { get; }

    /// <summary>The COSE_Key bytes this key was parsed from (a private copy).</summary>
    public ReadOnlyMemory<byte> CoseKey { get; }

    /// <summary>
    /// Parses a COSE_Key; on failure <paramref name="error"/> is <see cref="WebAuthnErrors.MalformedPublicKey"/>
    /// or <see cref="WebAuthnErrors.UnsupportedAlgorithm"/>. Never throws for bad input.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> coseKey, [NotNullWhen(true)] out WebAuthnPublicKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        var copy = coseKey.ToArray();
        error = CoseKeyParser.TryRead(copy, out var parameters);
        if (error is not null)
        {
            return false;
        }

        if (parameters.Ec is { } ec)
        {
            // ECDsa.Create checks that the point is on the curve and throws when it is not.
            if (!CryptoGuard.TryRun(ec, ECDsa.Create, out var ecdsa) || ecdsa is null)
            {
                error = WebAuthnErrors.MalformedPublicKey;
                return false;
            }

            key = new WebAuthnPublicKey(copy, parameters.Algorithm, ecdsa, null);
            return true;
        }

        if (!CryptoGuard.TryRun(parameters.Rsa!.Value, RSA.Create, out var rsa) || rsa is null)
        {
            error = WebAuthnErrors.MalformedPublicKey;
            return false;
        }

        key = new WebAuthnPublicKey(copy, parameters.Algorithm, null, rsa);
        return true;
    }

    /// <summary>Disposes the underlying BCL key.</summary>
    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }

    /// <summary>Null when <paramref name="signature"/> over <paramref name="data"/> verifies; otherwise an error code.</summary>
    internal string? VerifySignature(byte[] data, byte[] signature)
    {
        bool verified;
        if (_ecdsa is not null)
        {
            if (!EcdsaDerSignature.IsStrictDer(signature, P256FieldBytes))
            {
                return WebAuthnErrors.MalformedSignature;
            }

            verified = CryptoGuard.TryRun((_ecdsa, data, signature),
                static s => s._ecdsa.VerifyData(s.data, s.signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
                out var ok) && ok;
        }
        else
        {
            if (signature.Length != (_rsa!.KeySize + 7) / 8)
            {
                return WebAuthnErrors.MalformedSignature;
            }

            verified = CryptoGuard.TryRun((_rsa, data, signature),
                static s => s._rsa.VerifyData(s.data, s.signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                out var ok) && ok;
        }

        return verified ? null : WebAuthnErrors.BadSignature;
    }
}
