using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Security;

/// <summary>
/// A P-256 public key as an RFC 7517 JSON Web Key for ES256 signatures:
/// <c>{ "kty": "EC", "crv": "P-256", "x", "y", "kid", "alg": "ES256", "use": "sig" }</c>.
/// </summary>
public sealed record EcPublicJwk
{
    /// <summary>The JWS algorithm of every StepUp signing key.</summary>
    public const string Algorithm = "ES256";

    private const int CoordinateSize = 32;

    /// <summary>Creates a key from its coordinates (base64url, 32 bytes each).</summary>
    /// <exception cref="ArgumentException">A coordinate is not 32 bytes of base64url.</exception>
    public EcPublicJwk(string kid, string x, string y)
    {
        ArgumentException.ThrowIfNullOrEmpty(kid);
        if (!IsCoordinate(x) || !IsCoordinate(y))
        {
            throw new ArgumentException("x and y must be 32 bytes of base64url each (P-256).");
        }

        Kid = kid;
        X = x;
        Y = y;
    }

    /// <summary>Key id.</summary>
    public string Kid { get; }

    /// <summary>Base64url x coordinate.</summary>
    public string X { get; }

    /// <summary>Base64url y coordinate.</summary>
    public string Y { get; }

    /// <summary>The public half of <paramref name="key"/> under the id <paramref name="kid"/>.</summary>
    /// <exception cref="ArgumentException">The key is not on P-256.</exception>
    public static EcPublicJwk FromKey(string kid, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value || parameters.Q.X is not { Length: CoordinateSize } || parameters.Q.Y is not { Length: CoordinateSize })
        {
            throw new ArgumentException("Only P-256 keys are supported.", nameof(key));
        }

        return new EcPublicJwk(kid, Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y));
    }

    /// <summary>Same key without an id, for computing a kid from the key itself.</summary>
    public static string ThumbprintOf(ECDsa key) => FromKey("-", key).Thumbprint();

    /// <summary>An ECDsa that verifies with this key; the caller disposes it.</summary>
    /// <exception cref="CryptographicException">The point is not on the curve.</exception>
    public ECDsa CreateVerifier()
    {
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(X), Y = Base64Url.DecodeFromChars(Y) },
        };
        return ECDsa.Create(parameters);
    }

    /// <summary>True when <paramref name="key"/> has the same public point.</summary>
    public bool Matches(ECDsa key)
    {
        var other = FromKey(Kid, key);
        return string.Equals(other.X, X, StringComparison.Ordinal) && string.Equals(other.Y, Y, StringComparison.Ordinal);
    }

    /// <summary>The RFC 7638 JWK thumbprint: base64url SHA-256 of <c>{"crv","kty","x","y"}</c> in that order.</summary>
    public string Thumbprint()
    {
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{X}\",\"y\":\"{Y}\"}}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The JWK object as published at <c>/.well-known/jwks.json</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["kty"] = "EC",
        ["crv"] = "P-256",
        ["x"] = X,
        ["y"] = Y,
        ["kid"] = Kid,
        ["alg"] = Algorithm,
        ["use"] = "sig",
    };

    /// <summary>Reads a P-256 signing JWK; false for any other key type, curve, algorithm or use, or a private key.</summary>
    public static bool TryParse(JsonObject? jwk, [NotNullWhen(true)] out EcPublicJwk? key)
    {
        key = null;
        if (jwk is null ||
            Text(jwk, "kty") != "EC" || Text(jwk, "crv") != "P-256" ||
            Text(jwk, "kid") is not { Length: > 0 } kid ||
            Text(jwk, "x") is not { } x || Text(jwk, "y") is not { } y ||
            !IsCoordinate(x) || !IsCoordinate(y) ||
            jwk.ContainsKey("d"))
        {
            return false;
        }

        if ((jwk.ContainsKey("alg") && Text(jwk, "alg") != Algorithm) || (jwk.ContainsKey("use") && Text(jwk, "use") != "sig"))
        {
            return false;
        }

        key = new EcPublicJwk(kid, x, y);
        return true;
    }

    /// <summary>Keeps the coordinates out of logs (they are public, but long).</summary>
    public override string ToString() => $"EcPublicJwk {{ Kid = {Kid} }}";

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool IsCoordinate(string? text)
    {
        if (text is not { Length: 43 })
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[33];
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == CoordinateSize;
    }
}
