using System.Security.Cryptography;
using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Factors.WebAuthn.Cose;

/// <summary>
/// Reads a COSE_Key (RFC 9052 §7, RFC 9053 §7.1.1 EC2 and RFC 8230 §4 RSA) into BCL key parameters.
/// Only the public parameters WebAuthn credentials carry are admitted: a key with private
/// parameters or unknown labels is malformed, whatever else it says.
/// </summary>
internal static class CoseKeyParser
{
    private const long LabelKty = 1;
    private const long LabelKid = 2;
    private const long LabelAlg = 3;
    private const long KtyEc2 = 2;
    private const long KtyRsa = 3;
    private const long CrvP256 = 1;
    private const int P256FieldBytes = 32;
    private const int MinRsaModulusBytes = 256;
    private const int MaxRsaModulusBytes = 512;

    /// <summary>An EC2 P-256 key (<see cref="Ec"/>) or an RSA key (<see cref="Rsa"/>), with its algorithm.</summary>
    public readonly record struct Parameters(int Algorithm, ECParameters? Ec, RSAParameters? Rsa);

    /// <summary>Null on success; otherwise a <see cref="WebAuthnErrors"/> code.</summary>
    public static string? TryRead(ReadOnlyMemory<byte> encoded, out Parameters parameters)
    {
        parameters = default;
        if (CborDecoder.DecodeExact(encoded, out var key) != CborError.None || key!.Kind != CborKind.Map)
        {
            return WebAuthnErrors.MalformedPublicKey;
        }

        if (!TryGetInt(key, LabelKty, out var kty) || !TryGetInt(key, LabelAlg, out var alg))
        {
            return WebAuthnErrors.MalformedPublicKey;
        }

        return kty switch
        {
            KtyEc2 => TryReadEc2(key, alg, out parameters),
            KtyRsa => TryReadRsa(key, alg, out parameters),
            _ => WebAuthnErrors.UnsupportedAlgorithm,
        };
    }

    private static string? TryReadEc2(CborValue key, long alg, out Parameters parameters)
    {
        parameters = default;
        if (alg != WebAuthnAlgorithms.Es256)
        {
            return WebAuthnErrors.UnsupportedAlgorithm;
        }

        if (!TryGetInt(key, -1, out var crv))
        {
            return WebAuthnErrors.MalformedPublicKey;
        }

        if (crv != CrvP256)
        {
            return WebAuthnErrors.UnsupportedAlgorithm;
        }

        var x = key.Get(-2);
        var y = key.Get(-3);
        if (!OnlyLabels(key, -1, -2, -3) ||
            x is not { Kind: CborKind.ByteString, Bytes.Length: P256FieldBytes } ||
            y is not { Kind: CborKind.ByteString, Bytes.Length: P256FieldBytes })
        {
            return WebAuthnErrors.MalformedPublicKey;
        }

        parameters = new Parameters(WebAuthnAlgorithms.Es256, new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = x.Bytes.ToArray(), Y = y.Bytes.ToArray() },
        }, null);
        return null;
    }

    private static string? TryReadRsa(CborValue key, long alg, out Parameters parameters)
    {
        parameters = default;
        if (alg != WebAuthnAlgorithms.Rs256)
        {
            return WebAuthnErrors.UnsupportedAlgorithm;
        }

        var n = key.Get(-1);
        var e = key.Get(-2);
        if (!OnlyLabels(key, -1, -2) || n is not { Kind: CborKind.ByteString } || e is not { Kind: CborKind.ByteString })
        {
            return WebAuthnErrors.MalformedPublicKey;
        }

        var modulus = n.Bytes.Span;
        var exponent = e.Bytes.Span;
        // 2048 to 4096 bits, no leading zero byte; e odd, at least 3, at most 32 bits, minimally encoded.
        if (modulus.Length is < MinRsaModulusBytes or > MaxRsaModulusBytes || modulus[0] == 0 ||
            exponent.Length is < 1 or > 4 || exponent[0] == 0 || (exponent[^1] & 1) == 0 ||
            (exponent.Length == 1 && exponent[0] < 3))
        {
            return WebAuthnErrors.MalformedPublicKey;
        }

        parameters = new Parameters(WebAuthnAlgorithms.Rs256, null, new RSAParameters
        {
            Modulus = modulus.ToArray(),
            Exponent = exponent.ToArray(),
        });
        return null;
    }

    private static bool TryGetInt(CborValue map, long label, out long value)
    {
        value = 0;
        return map.Get(label) is { } item && item.TryGetInt64(out value);
    }

    /// <summary>True when every label is kty, kid, alg or one of <paramref name="allowed"/>.</summary>
    private static bool OnlyLabels(CborValue map, params ReadOnlySpan<long> allowed)
    {
        foreach (var (label, value) in map.Entries)
        {
            if (!label.TryGetInt64(out var l))
            {
                return false;
            }

            var known = l is LabelKty or LabelAlg || (l == LabelKid && value.Kind == CborKind.ByteString) || allowed.Contains(l);
            if (!known)
            {
                return false;
            }
        }

        return true;
    }
}
