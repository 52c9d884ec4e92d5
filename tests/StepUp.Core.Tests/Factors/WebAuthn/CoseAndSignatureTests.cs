using System.Security.Cryptography;
using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Factors.WebAuthn.Cbor;
using StepUp.Core.Factors.WebAuthn.Cose;

namespace StepUp.Core.Tests.Factors.WebAuthn;

public sealed class CoseAndSignatureTests
{
    private static (byte[] X, byte[] Y) Point()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        return (q.X!, q.Y!);
    }

    private static byte[] Ec2(Action<CborWriter>? extra = null, int entries = 5, long alg = -7, long crv = 1, byte[]? x = null, byte[]? y = null)
    {
        var (px, py) = Point();
        var writer = new CborWriter().WriteStartMap(entries + (extra is null ? 0 : 1))
            .WriteInt64(1).WriteInt64(2)
            .WriteInt64(3).WriteInt64(alg)
            .WriteInt64(-1).WriteInt64(crv)
            .WriteInt64(-2).WriteByteString(x ?? px)
            .WriteInt64(-3).WriteByteString(y ?? py);
        extra?.Invoke(writer);
        return writer.ToArray();
    }

    [Fact]
    public void TryParse_ReadsEc2AndRsaKeys()
    {
        Assert.True(WebAuthnPublicKey.TryParse(Ec2(), out var ec, out _));
        using (ec)
        {
            Assert.Equal(WebAuthnAlgorithms.Es256, ec.Algorithm);
        }

        using var rsa = RSA.Create(3072);
        Assert.True(WebAuthnPublicKey.TryParse(SoftwareAuthenticator.EncodeRsa(rsa), out var rs, out _));
        using (rs)
        {
            Assert.Equal(WebAuthnAlgorithms.Rs256, rs.Algorithm);
        }

        // A key id is harmless and tolerated.
        Assert.True(WebAuthnPublicKey.TryParse(Ec2(w => w.WriteInt64(2).WriteByteString([1, 2])), out var withKid, out _));
        withKid.Dispose();
    }

    public static TheoryData<string, byte[]> BadKeys()
    {
        var (x, y) = Point();
        var offCurve = (byte[])y.Clone();
        offCurve[^1] ^= 1;
        using var small = RSA.Create(1024);
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        byte[] Rsa(byte[] n, byte[] e, long alg = -257) => new CborWriter().WriteStartMap(4)
            .WriteInt64(1).WriteInt64(3).WriteInt64(3).WriteInt64(alg)
            .WriteInt64(-1).WriteByteString(n).WriteInt64(-2).WriteByteString(e).ToArray();

        return new()
        {
            { WebAuthnErrors.MalformedPublicKey, [] },
            { WebAuthnErrors.MalformedPublicKey, [0xA0] },
            { WebAuthnErrors.MalformedPublicKey, [0x80] },
            { WebAuthnErrors.MalformedPublicKey, Ec2()[..^1] },
            { WebAuthnErrors.MalformedPublicKey, [.. Ec2(), 0x00] },
            { WebAuthnErrors.MalformedPublicKey, Ec2(x: x[..31]) },
            { WebAuthnErrors.MalformedPublicKey, Ec2(y: [.. y, 0]) },
            { WebAuthnErrors.MalformedPublicKey, Ec2(x: x, y: offCurve) },
            { WebAuthnErrors.MalformedPublicKey, Ec2(x: new byte[32], y: new byte[32]) },
            { WebAuthnErrors.MalformedPublicKey, Ec2(w => w.WriteInt64(-4).WriteByteString(new byte[32])) }, // private d
            { WebAuthnErrors.MalformedPublicKey, Ec2(w => w.WriteInt64(99).WriteInt64(0)) },
            { WebAuthnErrors.MalformedPublicKey, Ec2(w => w.WriteTextString("x").WriteInt64(0)) },
            { WebAuthnErrors.MalformedPublicKey, new CborWriter().WriteStartMap(1).WriteInt64(1).WriteInt64(2).ToArray() }, // no alg
            { WebAuthnErrors.MalformedPublicKey, new CborWriter().WriteStartMap(2).WriteInt64(1).WriteTextString("EC2").WriteInt64(3).WriteInt64(-7).ToArray() },
            { WebAuthnErrors.UnsupportedAlgorithm, Ec2(alg: -35) }, // ES384
            { WebAuthnErrors.UnsupportedAlgorithm, Ec2(crv: 2) }, // P-384
            { WebAuthnErrors.UnsupportedAlgorithm, new CborWriter().WriteStartMap(2).WriteInt64(1).WriteInt64(4).WriteInt64(3).WriteInt64(5).ToArray() },
            { WebAuthnErrors.MalformedPublicKey, Rsa(small.ExportParameters(false).Modulus!, p.Exponent!) },
            { WebAuthnErrors.MalformedPublicKey, Rsa([0, .. p.Modulus!], p.Exponent!) },
            { WebAuthnErrors.MalformedPublicKey, Rsa(p.Modulus!, [0x01, 0x00, 0x00]) },
            { WebAuthnErrors.MalformedPublicKey, Rsa(p.Modulus!, [0x01]) },
            { WebAuthnErrors.MalformedPublicKey, Rsa(p.Modulus!, []) },
            { WebAuthnErrors.MalformedPublicKey, Rsa(p.Modulus!, [0, 1, 0, 1]) },
            { WebAuthnErrors.MalformedPublicKey, Rsa(p.Modulus!, [1, 0, 0, 0, 1]) },
            { WebAuthnErrors.UnsupportedAlgorithm, Rsa(p.Modulus!, p.Exponent!, alg: -37) }, // PS256
        };
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void TryParse_Refuses_BadKeys(string error, byte[] cose)
    {
        Assert.False(WebAuthnPublicKey.TryParse(cose, out var key, out var actual));
        Assert.Null(key);
        Assert.Equal(error, actual);
    }

    [Fact]
    public void StrictDer_AcceptsWhatTheBclSigns_AndRefusesLaxOrBrokenForms()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        for (var i = 0; i < 200; i++)
        {
            var der = key.SignData(BitConverter.GetBytes(i), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            Assert.True(EcdsaDerSignature.IsStrictDer(der, 32));
        }

        var r = Enumerable.Repeat((byte)0x11, 32).ToArray();
        byte[] Der(params byte[][] parts) => [0x30, (byte)parts.Sum(p => p.Length), .. parts.SelectMany(p => p)];
        byte[] Int(byte[] v) => [0x02, (byte)v.Length, .. v];
        Assert.True(EcdsaDerSignature.IsStrictDer(Der(Int(r), Int(r)), 32));
        Assert.True(EcdsaDerSignature.IsStrictDer(Der(Int([0x00, 0x80, .. r[..31]]), Int([0x01])), 32));

        Assert.False(EcdsaDerSignature.IsStrictDer([], 32));
        Assert.False(EcdsaDerSignature.IsStrictDer(new byte[64], 32)); // raw r||s
        Assert.False(EcdsaDerSignature.IsStrictDer([.. Der(Int(r), Int(r)), 0x00], 32)); // trailing byte
        var wrongOuter = Der(Int(r), Int(r));
        wrongOuter[1]++;
        Assert.False(EcdsaDerSignature.IsStrictDer(wrongOuter, 32));
        wrongOuter[1] -= 2;
        Assert.False(EcdsaDerSignature.IsStrictDer(wrongOuter, 32));
        Assert.False(EcdsaDerSignature.IsStrictDer([0x30, 0x81, 0x44, .. Int(r), .. Int(r)], 32)); // long-form length
        var wrongInner = Der(Int(r), Int(r));
        wrongInner[3] = 33;
        Assert.False(EcdsaDerSignature.IsStrictDer(wrongInner, 32));
        wrongInner[3] = 31;
        Assert.False(EcdsaDerSignature.IsStrictDer(wrongInner, 32));
        Assert.False(EcdsaDerSignature.IsStrictDer(Der(Int([0x00, .. r]), Int(r)), 32)); // needless zero
        Assert.False(EcdsaDerSignature.IsStrictDer(Der(Int([0x80, .. r[..31]]), Int(r)), 32)); // negative
        Assert.False(EcdsaDerSignature.IsStrictDer(Der(Int([0x00]), Int(r)), 32)); // zero
        Assert.False(EcdsaDerSignature.IsStrictDer(Der(Int([0x01, .. r]), Int(r)), 32)); // 33 bytes of value
        Assert.False(EcdsaDerSignature.IsStrictDer(Der(Int(r)), 32)); // one integer
        Assert.False(EcdsaDerSignature.IsStrictDer(Der(Int(r), Int(r), Int(r)), 32));
        Assert.False(EcdsaDerSignature.IsStrictDer(Der([0x03, 32, .. r], Int(r)), 32)); // BIT STRING
        Assert.False(EcdsaDerSignature.IsStrictDer(Der(Int(r), [0x02, 0x00]), 32)); // empty integer
    }

    [Fact]
    public void VerifySignature_ReportsMalformedVersusBad()
    {
        using var authenticator = SoftwareAuthenticator.Rs256();
        Assert.True(WebAuthnPublicKey.TryParse(authenticator.CosePublicKey, out var key, out _));
        using (key)
        {
            var data = RandomNumberGenerator.GetBytes(100);
            var signature = authenticator.Sign(data);
            Assert.Null(key.VerifySignature(data, signature));
            Assert.Equal(WebAuthnErrors.MalformedSignature, key.VerifySignature(data, signature[1..]));
            Assert.Equal(WebAuthnErrors.MalformedSignature, key.VerifySignature(data, [.. signature, 0]));
            signature[10] ^= 1;
            Assert.Equal(WebAuthnErrors.BadSignature, key.VerifySignature(data, signature));
            Assert.Equal(WebAuthnErrors.BadSignature, key.VerifySignature(data, new byte[256]));
        }
    }

    [Fact]
    public void VerifySignature_RefusesHighButValidDerValuesOutsideTheGroup()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        Assert.True(WebAuthnPublicKey.TryParse(authenticator.CosePublicKey, out var key, out _));
        using (key)
        {
            var ff = Enumerable.Repeat((byte)0xFF, 32).ToArray();
            byte[] der = [0x30, 70, 0x02, 33, 0x00, .. ff, 0x02, 33, 0x00, .. ff];
            Assert.Equal(WebAuthnErrors.BadSignature, key.VerifySignature([1, 2, 3], der));
        }
    }
}
