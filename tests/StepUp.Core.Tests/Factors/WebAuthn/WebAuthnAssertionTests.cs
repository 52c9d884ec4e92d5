using System.Security.Cryptography;
using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Factors.WebAuthn;

public sealed class WebAuthnAssertionTests
{
    private static readonly byte[] Challenge = SoftwareAuthenticator.NewChallenge();

    private static WebAuthnAssertionExpectations Expect(SoftwareAuthenticator authenticator, bool requireUv = false) => new()
    {
        Challenge = Challenge,
        Origins = [SoftwareAuthenticator.Origin],
        RpId = SoftwareAuthenticator.RpId,
        RequireUserVerification = requireUv,
        AllowCredentialIds = [RandomNumberGenerator.GetBytes(16), authenticator.CredentialId],
    };

    private static Ceremony Valid(SoftwareAuthenticator authenticator) => new() { Challenge = Challenge, UserHandle = authenticator.UserHandle };

    [Theory]
    [InlineData(WebAuthnAlgorithms.Es256)]
    [InlineData(WebAuthnAlgorithms.Rs256)]
    public void Verify_Succeeds_ForValidAssertion(int algorithm)
    {
        using var authenticator = SoftwareAuthenticator.Create(algorithm);
        authenticator.SignCount = 41;

        var assertion = authenticator.Assert(Valid(authenticator));
        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator, requireUv: true), authenticator.Stored(signCount: 41));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(42u, result.SignCount);
        Assert.Equal(41u, result.StoredSignCount);
        Assert.True(result.UserVerified);
        Assert.False(result.BackupEligible);
        Assert.False(result.BackupState);
        Assert.False(result.SignCountRegressed);
        Assert.Equal(AssuranceLevel.Aal3, result.Level);
    }

    [Fact]
    public void Verify_Succeeds_WithoutUserHandleAndWithEmptyAllowList()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var assertion = authenticator.Assert(Valid(authenticator) with { UserHandle = null });

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator) with { AllowCredentialIds = [] }, authenticator.Stored());

        Assert.True(result.Succeeded, result.Error);
    }

    [Theory]
    [InlineData(0x05, false, AssuranceLevel.Aal3)]
    [InlineData(0x05 | 0x08, true, AssuranceLevel.Aal2)]
    [InlineData(0x05 | 0x08 | 0x10, true, AssuranceLevel.Aal2)]
    [InlineData(0x01, false, AssuranceLevel.Aal2)]
    public void Verify_ReportsLevel_FromUvAndBackupEligibility(byte flags, bool backupEligible, AssuranceLevel level)
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var assertion = authenticator.Assert(Valid(authenticator) with { Flags = flags });

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator), authenticator.Stored(backupEligible: backupEligible));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(level, result.Level);
        Assert.Equal((flags & 0x10) != 0, result.BackupState);
    }

    public static TheoryData<string, Func<SoftwareAuthenticator, Ceremony, Ceremony>> BrokenCeremonies => new()
    {
        { WebAuthnErrors.BadCredentialType, (_, c) => c with { CredentialType = "public_key" } },
        { WebAuthnErrors.CredentialIdMismatch, (_, c) => c with { Id = WebAuthnBase64Url.Encode(new byte[32]) } },
        { WebAuthnErrors.CredentialNotAllowed, (_, c) => c with { RawId = RandomNumberGenerator.GetBytes(32) } },
        { WebAuthnErrors.UserHandleMismatch, (_, c) => c with { UserHandle = RandomNumberGenerator.GetBytes(16) } },
        { WebAuthnErrors.UserHandleMismatch, (_, c) => c with { UserHandle = [] } },
        { WebAuthnErrors.ClientDataType, (_, c) => c with { ClientDataType = "webauthn.create" } },
        { WebAuthnErrors.ChallengeMismatch, (_, c) => c with { Challenge = SoftwareAuthenticator.NewChallenge() } },
        { WebAuthnErrors.OriginNotAllowed, (_, c) => c with { Origin = "https://auth.example.com.evil.example" } },
        { WebAuthnErrors.CrossOrigin, (_, c) => c with { CrossOrigin = true } },
        { WebAuthnErrors.CrossOrigin, (_, c) => c with { TopOrigin = SoftwareAuthenticator.Origin } },
        { WebAuthnErrors.RpIdMismatch, (_, c) => c with { RpId = "evil.example" } },
        { WebAuthnErrors.UserNotPresent, (_, c) => c with { Flags = 0x04 } },
        { WebAuthnErrors.BackupStateInvalid, (_, c) => c with { Flags = 0x05 | 0x10 } },
        { WebAuthnErrors.BackupEligibilityChanged, (_, c) => c with { Flags = 0x05 | 0x08 } },
        { WebAuthnErrors.BackupEligibilityChanged, (_, c) => c with { Flags = 0x05 | 0x08 | 0x10 } },
        { WebAuthnErrors.BadSignature, (a, c) => c with { Signature = a.Sign(RandomNumberGenerator.GetBytes(64)) } },
        { WebAuthnErrors.BadSignature, (a, c) => c with { SignedData = [.. a.AuthenticatorData(c, false)] } },
        { WebAuthnErrors.BadSignature, (a, c) => c with { SignedData = [.. a.AuthenticatorData(c with { SignCount = 999 }, false), .. SHA256.HashData(SoftwareAuthenticator.ClientDataJson(c, "webauthn.get"))] } },
        { WebAuthnErrors.MalformedSignature, (_, c) => c with { Signature = [] } },
        { WebAuthnErrors.MalformedSignature, (_, c) => c with { Signature = new byte[64] } },
        { WebAuthnErrors.MalformedAuthenticatorData, (_, c) => c with { AuthenticatorData = new byte[36] } },
        { WebAuthnErrors.MalformedClientData, (_, c) => c with { ClientDataJson = "{}"u8.ToArray() } },
        { WebAuthnErrors.MalformedClientData, (_, c) => c with { ClientDataJson = [] } },
    };

    [Theory]
    [MemberData(nameof(BrokenCeremonies))]
    public void Verify_Refuses_WhenOneCheckFails(string error, Func<SoftwareAuthenticator, Ceremony, Ceremony> breakIt)
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var assertion = authenticator.Assert(breakIt(authenticator, Valid(authenticator)));

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator), authenticator.Stored());

        Assert.False(result.Succeeded);
        Assert.Equal(error, result.Error);
        Assert.False(result.SignCountRegressed);
    }

    [Fact]
    public void Verify_Refuses_WhenUvRequiredForAal3AndMissing()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var assertion = authenticator.Assert(Valid(authenticator) with { Flags = 0x01 });

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator, requireUv: true), authenticator.Stored());

        Assert.Equal(WebAuthnErrors.UserNotVerified, result.Error);
    }

    [Fact]
    public void Verify_Refuses_WhenStoredCredentialIsNotBackupEligibleButAssertionIs_AndViceVersa()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var deviceBound = authenticator.Assert(Valid(authenticator) with { Flags = 0x05 });

        var result = WebAuthnAssertion.Verify(deviceBound.Response, Expect(authenticator), authenticator.Stored(backupEligible: true));

        Assert.Equal(WebAuthnErrors.BackupEligibilityChanged, result.Error);
    }

    [Fact]
    public void Verify_Refuses_CredentialOfAnotherStoredRecord()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        using var other = SoftwareAuthenticator.Es256();
        var assertion = authenticator.Assert(Valid(authenticator));

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator) with { AllowCredentialIds = [] }, other.Stored());

        Assert.Equal(WebAuthnErrors.CredentialIdMismatch, result.Error);
    }

    [Fact]
    public void Verify_Refuses_SignatureByAnotherKeyForTheSameCredentialId()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        using var impostor = SoftwareAuthenticator.Es256();
        impostor.CredentialId = authenticator.CredentialId;
        var assertion = impostor.Assert(Valid(authenticator));

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator), authenticator.Stored());

        Assert.Equal(WebAuthnErrors.BadSignature, result.Error);
    }

    [Fact]
    public void Verify_Refuses_ReplayOfAnAssertionForAnotherChallenge()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var earlier = authenticator.Assert(Valid(authenticator));
        var next = Expect(authenticator) with { Challenge = SoftwareAuthenticator.NewChallenge() };

        var result = WebAuthnAssertion.Verify(earlier.Response, next, authenticator.Stored());

        Assert.Equal(WebAuthnErrors.ChallengeMismatch, result.Error);
    }

    [Theory]
    [InlineData(0u, 0u, false)]
    [InlineData(0u, 1u, false)]
    [InlineData(5u, 6u, false)]
    [InlineData(5u, 5u, true)]
    [InlineData(5u, 4u, true)]
    [InlineData(5u, 0u, true)]
    [InlineData(uint.MaxValue, 0u, true)]
    [InlineData(0u, uint.MaxValue, false)]
    public void Verify_AppliesSignCountRule(uint stored, uint presented, bool regressed)
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var assertion = authenticator.Assert(Valid(authenticator) with { SignCount = presented });

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator), authenticator.Stored(signCount: stored));

        Assert.Equal(regressed, result.SignCountRegressed);
        Assert.Equal(regressed ? WebAuthnErrors.SignCountRegressed : null, result.Error);
        Assert.Equal(presented, result.SignCount);
        Assert.Equal(stored, result.StoredSignCount);
    }

    [Fact]
    public void Verify_UsesPreParsedKey_AndRefusesAKeyOfAnotherCredential()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        using var other = SoftwareAuthenticator.Es256();
        Assert.True(WebAuthnPublicKey.TryParse(authenticator.CosePublicKey, out var key, out _));
        Assert.True(WebAuthnPublicKey.TryParse(other.CosePublicKey, out var otherKey, out _));
        using (key)
        using (otherKey)
        {
            var assertion = authenticator.Assert(Valid(authenticator));

            Assert.True(WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator), authenticator.Stored(), key).Succeeded);
            Assert.Throws<ArgumentException>(() => WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator), authenticator.Stored(), otherKey));
        }
    }

    [Fact]
    public void Verify_IsSafe_OnOneParsedKeyFromManyThreads()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        Assert.True(WebAuthnPublicKey.TryParse(authenticator.CosePublicKey, out var key, out _));
        using (key)
        {
            var good = authenticator.Assert(Valid(authenticator) with { SignCount = 0 });
            var bad = authenticator.Assert(Valid(authenticator) with { SignCount = 0, Signature = authenticator.Sign([1, 2, 3]) });
            var outcomes = new string?[400];

            Parallel.For(0, outcomes.Length, i =>
                outcomes[i] = WebAuthnAssertion.Verify(i % 2 == 0 ? good.Response : bad.Response, Expect(authenticator), authenticator.Stored(), key).Error);

            for (var i = 0; i < outcomes.Length; i++)
            {
                Assert.Equal(i % 2 == 0 ? null : WebAuthnErrors.BadSignature, outcomes[i]);
            }
        }
    }

    [Fact]
    public void Verify_Refuses_StoredKeyThatIsMalformed()
    {
        using var authenticator = SoftwareAuthenticator.Es256();
        var assertion = authenticator.Assert(Valid(authenticator));

        var result = WebAuthnAssertion.Verify(assertion.Response, Expect(authenticator), authenticator.Stored() with { PublicKey = new byte[] { 0xA0 } });

        Assert.Equal(WebAuthnErrors.MalformedPublicKey, result.Error);
    }
}
