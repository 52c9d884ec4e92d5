using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Tests.Factors.WebAuthn;

/// <summary>Truncated, mutated and absurd blobs: every one ends as an error code, never an exception.</summary>
public sealed class HostileInputTests
{
    private static readonly byte[] Challenge = SoftwareAuthenticator.NewChallenge();

    private static readonly WebAuthnRegistrationExpectations RegistrationExpectations = new()
    {
        Challenge = Challenge,
        Origins = [SoftwareAuthenticator.Origin],
        RpId = SoftwareAuthenticator.RpId,
    };

    private static WebAuthnAssertionExpectations AssertionExpectations(SoftwareAuthenticator a) => new()
    {
        Challenge = Challenge,
        Origins = [SoftwareAuthenticator.Origin],
        RpId = SoftwareAuthenticator.RpId,
        AllowCredentialIds = [a.CredentialId],
    };

    [Theory]
    [InlineData(WebAuthnAlgorithms.Es256, "none")]
    [InlineData(WebAuthnAlgorithms.Es256, "packed")]
    [InlineData(WebAuthnAlgorithms.Rs256, "packed")]
    public void Registration_RefusesTruncatedAttestationObject_AtEveryByte(int algorithm, string format)
    {
        using var authenticator = SoftwareAuthenticator.Create(algorithm);
        var registration = authenticator.Register(new Ceremony { Challenge = Challenge, Format = format });
        Assert.True(WebAuthnRegistration.Verify(registration.Response, RegistrationExpectations).Succeeded);

        for (var length = 0; length < registration.AttestationObject.Length; length++)
        {
            var truncated = registration.Response with { AttestationObject = WebAuthnBase64Url.Encode(registration.AttestationObject.AsSpan(0, length)) };
            var result = WebAuthnRegistration.Verify(truncated, RegistrationExpectations);
            Assert.Equal(WebAuthnErrors.MalformedCbor, result.Error);
        }
    }

    [Fact]
    public void Registration_RefusesTruncatedAuthenticatorData_AtEveryLength()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var authData = authenticator.AuthenticatorData(new Ceremony { Challenge = Challenge }, attested: true);

        for (var length = 0; length < authData.Length; length++)
        {
            var attestationObject = new CborWriter().WriteStartMap(3)
                .WriteTextString("fmt").WriteTextString("none")
                .WriteTextString("attStmt").WriteStartMap(0)
                .WriteTextString("authData").WriteByteString(authData.AsSpan(0, length)).ToArray();
            var response = authenticator.Register(new Ceremony { Challenge = Challenge, AttestationObject = attestationObject }).Response;

            Assert.Equal(WebAuthnErrors.MalformedAuthenticatorData, WebAuthnRegistration.Verify(response, RegistrationExpectations).Error);
        }
    }

    [Fact]
    public void Assertion_RefusesTruncatedOrExtendedAuthenticatorData_AtEveryLength()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var extensions = new CborWriter().WriteStartMap(1).WriteTextString("uvm").WriteStartArray(0).ToArray();
        var ceremony = new Ceremony { Challenge = Challenge, Extensions = extensions };
        var authData = authenticator.AuthenticatorData(ceremony, attested: false);
        Assert.True(WebAuthnAssertion.Verify(authenticator.Assert(ceremony).Response, AssertionExpectations(authenticator), authenticator.Stored()).Succeeded);

        for (var length = 0; length < authData.Length; length++)
        {
            var response = authenticator.Assert(ceremony with { AuthenticatorData = authData[..length] }).Response;
            Assert.Equal(WebAuthnErrors.MalformedAuthenticatorData, WebAuthnAssertion.Verify(response, AssertionExpectations(authenticator), authenticator.Stored()).Error);
        }

        var trailing = authenticator.Assert(ceremony with { AuthenticatorData = [.. authData, 0x00] }).Response;
        Assert.Equal(WebAuthnErrors.MalformedAuthenticatorData, WebAuthnAssertion.Verify(trailing, AssertionExpectations(authenticator), authenticator.Stored()).Error);

        // ED set but the extensions are not a map.
        byte[] notAMap = [.. authenticator.AuthenticatorData(new Ceremony { Challenge = Challenge, Extensions = [0x01] }, attested: false)];
        var response2 = authenticator.Assert(ceremony with { AuthenticatorData = notAMap }).Response;
        Assert.Equal(WebAuthnErrors.MalformedAuthenticatorData, WebAuthnAssertion.Verify(response2, AssertionExpectations(authenticator), authenticator.Stored()).Error);
    }

    [Fact]
    public void Registration_NeverThrows_OnRandomMutations()
    {
        var random = new Random(20251122);
        using var es = SoftwareAuthenticator.Es256();
        using var rs = SoftwareAuthenticator.Rs256();
        var valid = new[]
        {
            es.Register(new Ceremony { Challenge = Challenge, Format = "packed" }),
            rs.Register(new Ceremony { Challenge = Challenge, Format = "none", Extensions = new CborWriter().WriteStartMap(1).WriteTextString("credProtect").WriteInt64(1).ToArray() }),
        };
        var errors = new HashSet<string>();

        for (var i = 0; i < 2000; i++)
        {
            var registration = valid[i % 2];
            var mutateClientData = i % 5 == 0;
            var blob = Mutate(random, mutateClientData ? registration.ClientDataJson : registration.AttestationObject);
            var response = mutateClientData
                ? registration.Response with { ClientDataJson = WebAuthnBase64Url.Encode(blob) }
                : registration.Response with { AttestationObject = WebAuthnBase64Url.Encode(blob) };

            var result = WebAuthnRegistration.Verify(response, RegistrationExpectations);
            if (!result.Succeeded)
            {
                errors.Add(result.Error);
            }
        }

        // The mutations reach deep: structure, key and signature checks all fire.
        Assert.Contains(WebAuthnErrors.MalformedCbor, errors);
        Assert.Contains(WebAuthnErrors.MalformedClientData, errors);
        Assert.True(errors.Count >= 6, string.Join(", ", errors));
    }

    [Fact]
    public void Assertion_NeverThrows_OnRandomMutations()
    {
        var random = new Random(7);
        using var es = SoftwareAuthenticator.Es256();
        using var rs = SoftwareAuthenticator.Rs256();
        var errors = new HashSet<string>();

        for (var i = 0; i < 2000; i++)
        {
            var authenticator = i % 2 == 0 ? es : rs;
            var assertion = authenticator.Assert(new Ceremony { Challenge = Challenge, SignCount = 5 });
            var stored = authenticator.Stored(signCount: 1);
            var response = (i % 4) switch
            {
                0 => assertion.Response with { AuthenticatorData = WebAuthnBase64Url.Encode(Mutate(random, assertion.AuthenticatorData)) },
                1 => assertion.Response with { Signature = WebAuthnBase64Url.Encode(Mutate(random, assertion.Signature)) },
                2 => assertion.Response with { ClientDataJson = WebAuthnBase64Url.Encode(Mutate(random, assertion.ClientDataJson)) },
                _ => assertion.Response,
            };
            if (i % 4 == 3)
            {
                stored = stored with { PublicKey = Mutate(random, authenticator.CosePublicKey) };
            }

            var result = WebAuthnAssertion.Verify(response, AssertionExpectations(authenticator), stored);
            if (!result.Succeeded)
            {
                errors.Add(result.Error);
            }
        }

        Assert.Contains(WebAuthnErrors.BadSignature, errors);
        Assert.Contains(WebAuthnErrors.MalformedPublicKey, errors);
        Assert.True(errors.Count >= 6, string.Join(", ", errors));
    }

    [Fact]
    public void Decoder_NeverThrows_OnRandomBytes()
    {
        var random = new Random(99);
        var buffer = new byte[64];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            _ = CborDecoder.DecodeExact(buffer.AsMemory(0, length), out _);
            _ = WebAuthnPublicKey.TryParse(buffer.AsMemory(0, length), out var key, out _);
            key?.Dispose();
        }
    }

    [Fact]
    public void Registration_RefusesDeepNestingAndHugeDeclaredLengths_InsideTheAttestationObject()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var deepStatement = Enumerable.Repeat((byte)0x81, 5000).Append((byte)0x00).ToArray();
        byte[][] hostile =
        [
            new CborWriter().WriteStartMap(3).WriteTextString("fmt").WriteTextString("none")
                .WriteTextString("attStmt").WriteEncoded(deepStatement)
                .WriteTextString("authData").WriteByteString(new byte[37]).ToArray(),
            [0xA3, 0x63, .. "fmt"u8, 0x64, .. "none"u8, 0x67, .. "attStmt"u8, 0xA0, 0x68, .. "authData"u8, 0x5B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            [0xBB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            [0x9A, 0x7F, 0xFF, 0xFF, 0xFF],
            [0xBF, 0xFF],
        ];

        foreach (var blob in hostile)
        {
            var response = authenticator.Register(new Ceremony { Challenge = Challenge, AttestationObject = blob }).Response;
            Assert.Equal(WebAuthnErrors.MalformedCbor, WebAuthnRegistration.Verify(response, RegistrationExpectations).Error);
        }

        // A credential id length that points past the end of authData.
        var authData = authenticator.AuthenticatorData(new Ceremony { Challenge = Challenge }, attested: true);
        authData[37 + 16] = 0xFF;
        authData[37 + 17] = 0xFF;
        var lying = new CborWriter().WriteStartMap(3).WriteTextString("fmt").WriteTextString("none")
            .WriteTextString("attStmt").WriteStartMap(0).WriteTextString("authData").WriteByteString(authData).ToArray();
        var lyingResponse = authenticator.Register(new Ceremony { Challenge = Challenge, AttestationObject = lying }).Response;
        Assert.Equal(WebAuthnErrors.MalformedAuthenticatorData, WebAuthnRegistration.Verify(lyingResponse, RegistrationExpectations).Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"type\":\"webauthn.get\",")]
    [InlineData("{\"type\":1,\"challenge\":\"AA\",\"origin\":\"x\"}")]
    [InlineData("{\"type\":\"webauthn.get\",\"challenge\":null,\"origin\":\"x\"}")]
    [InlineData("{\"type\":\"webauthn.get\",\"challenge\":\"AA\",\"origin\":\"x\",\"topOrigin\":5}")]
    [InlineData("<xml/>")]
    public void Assertion_RefusesClientDataThatIsNotTheExpectedJson(string json)
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var response = authenticator.Assert(new Ceremony { Challenge = Challenge, ClientDataJson = System.Text.Encoding.UTF8.GetBytes(json) }).Response;

        Assert.Equal(WebAuthnErrors.MalformedClientData, WebAuthnAssertion.Verify(response, AssertionExpectations(authenticator), authenticator.Stored()).Error);
    }

    [Fact]
    public void Assertion_RefusesDeeplyNestedClientData()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var json = "{\"type\":\"webauthn.get\",\"challenge\":\"AA\",\"origin\":\"x\",\"deep\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var response = authenticator.Assert(new Ceremony { Challenge = Challenge, ClientDataJson = System.Text.Encoding.UTF8.GetBytes(json) }).Response;

        Assert.Equal(WebAuthnErrors.MalformedClientData, WebAuthnAssertion.Verify(response, AssertionExpectations(authenticator), authenticator.Stored()).Error);
    }

    [Theory]
    [InlineData("AA==")]
    [InlineData("AA=")]
    [InlineData("A/A")]
    [InlineData("A+A")]
    [InlineData("AAA\n")]
    [InlineData("AAAAA")]
    [InlineData("ÄÄ")]
    public void Assertion_RefusesInvalidBase64Url_InEveryBinaryMember(string bad)
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var valid = authenticator.Assert(new Ceremony { Challenge = Challenge, UserHandle = authenticator.UserHandle }).Response;
        var expected = AssertionExpectations(authenticator);

        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnAssertion.Verify(valid with { ClientDataJson = bad }, expected, authenticator.Stored()).Error);
        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnAssertion.Verify(valid with { AuthenticatorData = bad }, expected, authenticator.Stored()).Error);
        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnAssertion.Verify(valid with { Signature = bad }, expected, authenticator.Stored()).Error);
        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnAssertion.Verify(valid with { UserHandle = bad }, expected, authenticator.Stored()).Error);
        Assert.Equal(WebAuthnErrors.BadBase64Url, WebAuthnAssertion.Verify(valid with { Id = bad, RawId = bad }, expected, authenticator.Stored()).Error);
    }

    [Fact]
    public void Assertion_RefusesDerWithWrongLengths()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var ceremony = new Ceremony { Challenge = Challenge };
        var good = authenticator.Assert(ceremony).Signature;

        byte[][] variants =
        [
            [good[0], (byte)(good[1] + 1), .. good[2..]],
            [good[0], (byte)(good[1] - 1), .. good[2..]],
            [good[0], good[1], good[2], (byte)(good[3] + 1), .. good[4..]],
            [good[0], good[1], good[2], (byte)(good[3] - 1), .. good[4..]],
            [.. good, 0x00],
            good[..^1],
            [good[0], 0x81, .. good[1..]],
        ];

        foreach (var signature in variants)
        {
            var response = authenticator.Assert(ceremony with { Signature = signature }).Response;
            var error = WebAuthnAssertion.Verify(response, AssertionExpectations(authenticator), authenticator.Stored()).Error;
            Assert.Equal(WebAuthnErrors.MalformedSignature, error);
        }
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var blob = (byte[])valid.Clone();
        switch (random.Next(5))
        {
            case 0:
                return blob[..random.Next(blob.Length)];
            case 1:
                blob[random.Next(blob.Length)] ^= (byte)(1 << random.Next(8));
                return blob;
            case 2:
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    blob[random.Next(blob.Length)] = (byte)random.Next(256);
                }

                return blob;
            case 3:
                var insertAt = random.Next(blob.Length);
                var extra = new byte[random.Next(1, 16)];
                random.NextBytes(extra);
                return [.. blob[..insertAt], .. extra, .. blob[insertAt..]];
            default:
                // Interesting CBOR heads: huge lengths, indefinite markers, tags, floats.
                byte[] heads = [0x5B, 0x7B, 0x9B, 0xBB, 0x5F, 0x9F, 0xBF, 0xFF, 0xC0, 0xF9, 0xFB, 0xF7, 0x1C, 0xA1, 0x81];
                blob[random.Next(blob.Length)] = heads[random.Next(heads.Length)];
                return blob;
        }
    }
}
