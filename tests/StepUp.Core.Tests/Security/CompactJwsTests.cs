using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Security;

namespace StepUp.Core.Tests.Security;

public sealed class CompactJwsTests
{
    // RFC 7515 Appendix A.3: the ES256 example (key, JWS), an oracle no one here wrote.
    private const string RfcX = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    private const string RfcY = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
    private const string RfcJws =
        "eyJhbGciOiJFUzI1NiJ9" +
        ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
        ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

    [Fact]
    public void VerifyEs256_AcceptsTheRfc7515AppendixA3Example()
    {
        using var key = new EcPublicJwk("rfc", RfcX, RfcY).CreateVerifier();

        Assert.True(CompactJws.TryDecode(RfcJws, out var jws));
        Assert.True(CompactJws.VerifyEs256(jws, key));
        Assert.StartsWith("{\"iss\":\"joe\"", Encoding.UTF8.GetString(jws.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyEs256_RefusesTheExampleWithOneSignatureBitFlipped()
    {
        using var key = new EcPublicJwk("rfc", RfcX, RfcY).CreateVerifier();
        var tampered = RfcJws[..^1] + "A"; // Q -> A flips a signature bit (not a padding bit)

        Assert.True(CompactJws.TryDecode(tampered, out var jws));
        Assert.False(CompactJws.VerifyEs256(jws, key));
    }

    [Fact]
    public void FromKey_RoundTripsTheRfcPublicKey()
    {
        using var key = new EcPublicJwk("rfc", RfcX, RfcY).CreateVerifier();

        var jwk = EcPublicJwk.FromKey("k", key);

        Assert.Equal(RfcX, jwk.X);
        Assert.Equal(RfcY, jwk.Y);
        Assert.True(jwk.Matches(key));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(jwk.Matches(other));
    }

    [Fact]
    public void CreateVerifier_RefusesAPointOffTheCurve()
    {
        var offCurve = new EcPublicJwk("bad", RfcX, RfcX);

        Assert.ThrowsAny<CryptographicException>(() => offCurve.CreateVerifier());
        using var ring = new StepUp.Core.Audit.Checkpoints.CheckpointKeyRing([new EcPublicJwk("audit-bad", RfcX, RfcX)]);
        Assert.Null(ring.Find("audit-bad"));
    }

    [Fact]
    public void SignEs256_WritesAP1363Signature_ThatPlainEcdsaVerifies()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var jws = CompactJws.SignEs256(new JsonObject { ["typ"] = "x", ["kid"] = "k1" }, "{\"a\":1}"u8, key);

        var parts = jws.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"x\"}", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])));
        var signature = Base64Url.DecodeFromChars(parts[2]);
        Assert.Equal(64, signature.Length);
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void VerifyEs256_RefusesADerSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var input = Base64Url.EncodeToString("{\"alg\":\"ES256\"}"u8) + "." + Base64Url.EncodeToString("{}"u8);
        var der = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(CompactJws.TryDecode(input + "." + Base64Url.EncodeToString(der), out var jws));
        Assert.False(CompactJws.VerifyEs256(jws, key));
    }

    [Fact]
    public void VerifyEs256_RefusesOtherAlgorithmsAndCritHeaders()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var crit = CompactJws.SignEs256(new JsonObject { ["crit"] = new JsonArray("exp"), ["exp"] = 1 }, "{}"u8, key);

        Assert.True(CompactJws.TryDecode(crit, out var decoded));
        Assert.False(CompactJws.VerifyEs256(decoded, key));

        var parts = CompactJws.SignEs256(new JsonObject(), "{}"u8, key).Split('.');
        var none = Base64Url.EncodeToString("{\"alg\":\"none\"}"u8) + "." + parts[1] + "." + parts[2];
        Assert.True(CompactJws.TryDecode(none, out var decodedNone));
        Assert.False(CompactJws.VerifyEs256(decodedNone, key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9=.e30.AAAA")]
    [InlineData("bm90IGpzb24.e30.AAAA")]
    [InlineData("W10.e30.AAAA")]
    [InlineData(".e30.AAAA")]
    public void TryDecode_RefusesMalformedJws(string jws) => Assert.False(CompactJws.TryDecode(jws, out _));

    [Fact]
    public void Thumbprint_FollowsRfc7638()
    {
        var jwk = new EcPublicJwk("k", RfcX, RfcY);
        var expected = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{RfcX}\",\"y\":\"{RfcY}\"}}")));

        Assert.Equal(expected, jwk.Thumbprint());
        Assert.Equal("audit-" + expected, SigningKeyPurposes.Kid(SigningKeyPurposes.Audit, jwk));
        Assert.True(SigningKeyPurposes.IsKidOf("audit-" + expected, SigningKeyPurposes.Audit));
        Assert.False(SigningKeyPurposes.IsKidOf("token-" + expected, SigningKeyPurposes.Audit));
        Assert.False(SigningKeyPurposes.IsKidOf("auditx-" + expected, SigningKeyPurposes.Audit));
    }

    [Fact]
    public void JsonWebKeySet_RoundTrips_AndSkipsKeysItCannotUse()
    {
        var key = new EcPublicJwk("audit-1", RfcX, RfcY);
        var set = JsonWebKeySet.ToJson([key]);
        set["keys"]!.AsArray().Add(new JsonObject { ["kty"] = "RSA", ["kid"] = "r", ["n"] = "AQAB", ["e"] = "AQAB" });
        set["keys"]!.AsArray().Add(new JsonObject { ["kty"] = "EC", ["crv"] = "P-384", ["kid"] = "p384", ["x"] = RfcX, ["y"] = RfcY });
        set["keys"]!.AsArray().Add(new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = "private", ["x"] = RfcX, ["y"] = RfcY, ["d"] = RfcX });

        var parsed = JsonWebKeySet.Parse(set.ToJsonString());

        Assert.Equal([key], parsed);
        Assert.Equal("EC", set["keys"]![0]!["kty"]!.GetValue<string>());
        Assert.Equal("sig", set["keys"]![0]!["use"]!.GetValue<string>());
        Assert.Equal("ES256", set["keys"]![0]!["alg"]!.GetValue<string>());
        Assert.Throws<FormatException>(() => JsonWebKeySet.Parse("{\"nokeys\":[]}"));
        Assert.Throws<FormatException>(() => JsonWebKeySet.Parse("not json"));
    }
}
