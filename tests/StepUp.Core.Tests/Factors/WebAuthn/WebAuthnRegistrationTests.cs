using System.Security.Cryptography;
using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Tests.Factors.WebAuthn;

public sealed class WebAuthnRegistrationTests
{
    private static readonly byte[] Challenge = SoftwareAuthenticator.NewChallenge();

    private static WebAuthnRegistrationExpectations Expect(bool requireUv = false, IReadOnlyCollection<int>? algorithms = null) => new()
    {
        Challenge = Challenge,
        Origins = ["https://other.example.com", SoftwareAuthenticator.Origin],
        RpId = SoftwareAuthenticator.RpId,
        RequireUserVerification = requireUv,
        Algorithms = algorithms ?? WebAuthnAlgorithms.All,
    };

    private static WebAuthnRegistrationResult Run(SoftwareAuthenticator authenticator, Ceremony ceremony, WebAuthnRegistrationExpectations? expected = null) =>
        WebAuthnRegistration.Verify(authenticator.Register(ceremony).Response, expected ?? Expect());

    private static Ceremony Valid => new() { Challenge = Challenge };

    [Theory]
    [InlineData(WebAuthnAlgorithms.Es256, "none")]
    [InlineData(WebAuthnAlgorithms.Es256, "packed")]
    [InlineData(WebAuthnAlgorithms.Rs256, "none")]
    [InlineData(WebAuthnAlgorithms.Rs256, "packed")]
    public void Verify_ReturnsCredential_ForValidRegistration(int algorithm, string format)
    {
        using var authenticator = SoftwareAuthenticator.Create(algorithm);
        authenticator.SignCount = 7;
        var aaguid = Guid.Parse("adce0002-35bc-c60a-648b-0b25f1f05503");

        var result = Run(authenticator, Valid with { Format = format, Aaguid = aaguid, Flags = 0x05 | 0x08 | 0x10 }, Expect(requireUv: true));

        Assert.True(result.Succeeded, result.Error);
        var credential = result.Credential;
        Assert.Equal(authenticator.CredentialId, credential.Id.ToArray());
        Assert.Equal(authenticator.CosePublicKey, credential.PublicKey.ToArray());
        Assert.Equal(algorithm, credential.Algorithm);
        Assert.Equal(7u, credential.SignCount);
        Assert.True(credential.UserVerified);
        Assert.True(credential.BackupEligible);
        Assert.True(credential.BackupState);
        Assert.Equal(aaguid, credential.Aaguid);
        Assert.Equal(format, credential.AttestationFormat);
        Assert.Equal(["internal"], credential.Transports);
    }

    [Fact]
    public void Verify_AcceptsMissingCrossOriginAndUvWhenNotRequired()
    {
        using var authenticator = SoftwareAuthenticator.Es256();

        var result = Run(authenticator, Valid with { CrossOrigin = null, Flags = 0x01 });

        Assert.True(result.Succeeded, result.Error);
        Assert.False(result.Credential.UserVerified);
        Assert.False(result.Credential.BackupEligible);
    }

    [Fact]
    public void Verify_AcceptsExtensionsMap()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var extensions = new CborWriter().WriteStartMap(1).WriteTextString("credProtect").WriteInt64(2).ToArray();

        var result = Run(authenticator, Valid with { Extensions = extensions });

        Assert.True(result.Succeeded, result.Error);
    }

    public static TheoryData<string, Func<Ceremony, Ceremony>> BrokenCeremonies => new()
    {
        { WebAuthnErrors.BadCredentialType, c => c with { CredentialType = "password" } },
        { WebAuthnErrors.CredentialIdMismatch, c => c with { Id = WebAuthnBase64Url.Encode(new byte[32]) } },
        { WebAuthnErrors.CredentialIdMismatch, c => c with { RawId = RandomNumberGenerator.GetBytes(32) } },
        { WebAuthnErrors.ClientDataType, c => c with { ClientDataType = "webauthn.get" } },
        { WebAuthnErrors.ClientDataType, c => c with { ClientDataType = "payment.get" } },
        { WebAuthnErrors.ChallengeMismatch, c => c with { Challenge = SoftwareAuthenticator.NewChallenge() } },
        { WebAuthnErrors.ChallengeMismatch, c => c with { Challenge = c.Challenge[..16] } },
        { WebAuthnErrors.OriginNotAllowed, c => c with { Origin = "https://evil.example" } },
        { WebAuthnErrors.OriginNotAllowed, c => c with { Origin = "https://auth.example.com:443" } },
        { WebAuthnErrors.OriginNotAllowed, c => c with { Origin = "http://auth.example.com" } },
        { WebAuthnErrors.CrossOrigin, c => c with { CrossOrigin = true } },
        { WebAuthnErrors.CrossOrigin, c => c with { TopOrigin = "https://evil.example" } },
        { WebAuthnErrors.RpIdMismatch, c => c with { RpId = "evil.example" } },
        { WebAuthnErrors.RpIdMismatch, c => c with { RpId = "auth.example.com" } },
        { WebAuthnErrors.UserNotPresent, c => c with { Flags = 0x04 } },
        { WebAuthnErrors.BackupStateInvalid, c => c with { Flags = 0x05 | 0x10 } },
        { WebAuthnErrors.CredentialIdLength, c => c with { AuthDataCredentialId = RandomNumberGenerator.GetBytes(1024), RawId = RandomNumberGenerator.GetBytes(1024) } },
        { WebAuthnErrors.CredentialIdLength, c => c with { AuthDataCredentialId = RandomNumberGenerator.GetBytes(1024) } },
        { WebAuthnErrors.CredentialIdLength, c => c with { AuthDataCredentialId = [] } },
        { WebAuthnErrors.CredentialIdMismatch, c => c with { AuthDataCredentialId = RandomNumberGenerator.GetBytes(32) } },
        { WebAuthnErrors.AttestationUnsupported, c => c with { Format = "fido-u2f" } },
        { WebAuthnErrors.AttestationUnsupported, c => c with { Format = "tpm" } },
        { WebAuthnErrors.AttestationUnsupported, c => c with { Format = "android-key" } },
        { WebAuthnErrors.AttestationUnsupported, c => c with { Format = "android-safetynet" } },
        { WebAuthnErrors.AttestationUnsupported, c => c with { Format = "apple" } },
        { WebAuthnErrors.AttestationUnsupported, c => c with { Format = "compound" } },
        { WebAuthnErrors.AttestationUnsupported, c => c with { Format = "packed", AttestationStatement = PackedWithX5c() } },
        { WebAuthnErrors.BadAttestationStatement, c => c with { Format = "none", AttestationStatement = PackedStatement(-7, new byte[70]) } },
        { WebAuthnErrors.BadAttestationStatement, c => c with { Format = "packed", AttestationStatement = new CborWriter().WriteStartMap(0).ToArray() } },
        { WebAuthnErrors.BadAttestationStatement, c => c with { Format = "packed", PackedAlgorithm = -257 } },
        { WebAuthnErrors.BadAttestationStatement, c => c with { Format = "packed", AttestationStatement = new CborWriter().WriteStartMap(2).WriteTextString("alg").WriteTextString("ES256").WriteTextString("sig").WriteByteString(new byte[70]).ToArray() } },
        { WebAuthnErrors.MalformedSignature, c => c with { Format = "packed", Signature = new byte[70] } },
        { WebAuthnErrors.BadSignature, c => c with { Format = "packed", Signature = OtherKeySignature() } },
        { WebAuthnErrors.MalformedAttestationObject, c => c with { AttestationObject = new CborWriter().WriteStartMap(1).WriteTextString("fmt").WriteTextString("none").ToArray() } },
        { WebAuthnErrors.MalformedAttestationObject, c => c with { AttestationObject = new CborWriter().WriteStartArray(0).ToArray() } },
        { WebAuthnErrors.MalformedCbor, c => c with { AttestationObject = [0xA3, 0x63, 0x66, 0x6D] } },
        { WebAuthnErrors.MalformedClientData, c => c with { ClientDataJson = "not json"u8.ToArray() } },
        { WebAuthnErrors.MalformedClientData, c => c with { ClientDataJson = "[1,2]"u8.ToArray() } },
        { WebAuthnErrors.MalformedClientData, c => c with { ClientDataJson = """{"type":"webauthn.create","challenge":"AA","origin":"x","origin":"y"}"""u8.ToArray() } },
        { WebAuthnErrors.MalformedClientData, c => c with { ClientDataJson = """{"type":"webauthn.create","challenge":"AA"}"""u8.ToArray() } },
        { WebAuthnErrors.MalformedClientData, c => c with { ClientDataJson = """{"type":"webauthn.create","challenge":"AA","origin":"x","crossOrigin":"false"}"""u8.ToArray() } },
        { WebAuthnErrors.MalformedClientData, c => c with { ClientDataJson = [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D] } },
    };

    [Theory]
    [MemberData(nameof(BrokenCeremonies))]
    public void Verify_Refuses_WhenOneCheckFails(string error, Func<Ceremony, Ceremony> breakIt)
    {
        using var authenticator = SoftwareAuthenticator.Es256();

        var result = Run(authenticator, breakIt(Valid));

        Assert.False(result.Succeeded);
        Assert.Equal(error, result.Error);
        Assert.Null(result.Credential);
    }

    [Fact]
    public void Verify_Refuses_WhenUvRequiredAndMissing()
    {
        using var authenticator = SoftwareAuthenticator.Es256();

        var result = Run(authenticator, Valid with { Flags = 0x01 }, Expect(requireUv: true));

        Assert.Equal(WebAuthnErrors.UserNotVerified, result.Error);
    }

    [Theory]
    [InlineData(WebAuthnAlgorithms.Es256, WebAuthnAlgorithms.Rs256)]
    [InlineData(WebAuthnAlgorithms.Rs256, WebAuthnAlgorithms.Es256)]
    public void Verify_Refuses_WhenAlgorithmNotOffered(int used, int offered)
    {
        using var authenticator = SoftwareAuthenticator.Create(used);

        var result = Run(authenticator, Valid, Expect(algorithms: [offered]));

        Assert.Equal(WebAuthnErrors.AlgorithmNotAllowed, result.Error);
    }

    [Fact]
    public void Verify_Refuses_WhenAuthenticatorDataLacksAttestedCredential()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var challenge = Valid;
        var authData = authenticator.AuthenticatorData(challenge, attested: false);
        var attestationObject = new CborWriter().WriteStartMap(3)
            .WriteTextString("fmt").WriteTextString("none")
            .WriteTextString("attStmt").WriteStartMap(0)
            .WriteTextString("authData").WriteByteString(authData).ToArray();

        var result = Run(authenticator, challenge with { AttestationObject = attestationObject });

        Assert.Equal(WebAuthnErrors.MissingAttestedCredential, result.Error);
    }

    [Fact]
    public void Verify_Refuses_UnsupportedKeyTypes()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        // An Ed25519 OKP key (kty 1, alg -8): valid COSE, but not an algorithm StepUp verifies.
        authenticator.CosePublicKey = new CborWriter().WriteStartMap(4)
            .WriteInt64(1).WriteInt64(1).WriteInt64(3).WriteInt64(-8)
            .WriteInt64(-1).WriteInt64(6).WriteInt64(-2).WriteByteString(new byte[32]).ToArray();

        var result = Run(authenticator, Valid);

        Assert.Equal(WebAuthnErrors.UnsupportedAlgorithm, result.Error);
    }

    [Fact]
    public void Verify_Refuses_PackedSignatureOverOtherClientData()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var honest = authenticator.Register(Valid with { Format = "packed" });
        var otherClientData = SoftwareAuthenticator.ClientDataJson(Valid with { Origin = "https://other.example.com" }, "webauthn.create");

        var result = WebAuthnRegistration.Verify(honest.Response with { ClientDataJson = WebAuthnBase64Url.Encode(otherClientData) }, Expect());

        Assert.Equal(WebAuthnErrors.BadSignature, result.Error);
    }

    [Theory]
    [InlineData("AA==")]
    [InlineData("A+/B")]
    [InlineData("AB")]
    [InlineData("A B")]
    [InlineData("A")]
    public void Verify_Refuses_InvalidBase64Url(string bad)
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var valid = authenticator.Register(Valid).Response;

        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnRegistration.Verify(valid with { ClientDataJson = bad }, Expect()).Error);
        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnRegistration.Verify(valid with { AttestationObject = bad }, Expect()).Error);
        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnRegistration.Verify(valid with { RawId = bad, Id = bad }, Expect()).Error);
    }

    [Fact]
    public void Verify_Refuses_OversizedBlobsBeforeDecoding()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var valid = authenticator.Register(Valid).Response;
        var huge = new string('A', 200_000);

        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnRegistration.Verify(valid with { ClientDataJson = huge }, Expect()).Error);
        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnRegistration.Verify(valid with { AttestationObject = huge }, Expect()).Error);
        Assert.Equal(WebAuthnErrors.CredentialIdLength, WebAuthnRegistration.Verify(valid with { RawId = huge, Id = huge }, Expect()).Error);
    }

    [Fact]
    public void Verify_Throws_WhenExpectationsAreIncomplete()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var response = authenticator.Register(Valid).Response;

        Assert.Throws<ArgumentException>(() => WebAuthnRegistration.Verify(response, Expect() with { Challenge = ReadOnlyMemory<byte>.Empty }));
        Assert.Throws<ArgumentException>(() => WebAuthnRegistration.Verify(response, Expect() with { Origins = [] }));
        Assert.Throws<ArgumentException>(() => WebAuthnRegistration.Verify(response, Expect() with { RpId = "" }));
    }

    internal static byte[] PackedStatement(long alg, byte[] sig) => new CborWriter().WriteStartMap(2)
        .WriteTextString("alg").WriteInt64(alg)
        .WriteTextString("sig").WriteByteString(sig).ToArray();

    private static byte[] PackedWithX5c() => new CborWriter().WriteStartMap(3)
        .WriteTextString("alg").WriteInt64(-7)
        .WriteTextString("sig").WriteByteString(new byte[70])
        .WriteTextString("x5c").WriteStartArray(1).WriteByteString(new byte[300]).ToArray();

    private static byte[] OtherKeySignature()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return other.SignData(RandomNumberGenerator.GetBytes(64), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
