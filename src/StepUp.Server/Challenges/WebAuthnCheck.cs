using System.Text.Json;
using StepUp.Core.Challenges;
using StepUp.Core.Factors;
using StepUp.Core.Factors.WebAuthn;
using StepUp.Core.Policy;
using StepUp.Server.Policies;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Challenges;

/// <summary>
/// WebAuthn assertions for a challenge (L3 §7.2 via <see cref="WebAuthnAssertion"/>): the assertion
/// challenge is single use, the credential must be an active factor of the challenge's subject,
/// UV is required when the challenge asks for aal3 and the policy's aal3 requires it.
/// </summary>
internal sealed class WebAuthnCheck(IChallengeStore challenges, IFactorStore factors, RelyingParty rp, PolicyHost policies, TimeProvider time)
{
    public const int ChallengeBytes = 32;

    /// <summary>Request options for a challenge; each call replaces the previous assertion challenge.</summary>
    public async Task<WebAuthnRequestOptions> OptionsAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(ChallengeBytes);
        await challenges.SetWebAuthnChallengeAsync(challenge.Id, bytes, cancellationToken);
        var credentials = await CredentialsAsync(challenge, cancellationToken);
        return new WebAuthnRequestOptions
        {
            Challenge = bytes,
            RpId = rp.RpId,
            AllowCredentials = credentials.Select(f => new WebAuthnCredentialDescriptor(f.CredentialId!, f.Transports)).ToList(),
            UserVerification = RequiresUserVerification(challenge) ? WebAuthnUserVerification.Required : WebAuthnUserVerification.Preferred,
        };
    }

    public async Task<MethodCheck> CheckAssertionAsync(Challenge challenge, JsonElement? credential, CancellationToken cancellationToken)
    {
        if (credential is not { ValueKind: JsonValueKind.Object } json)
        {
            return MethodCheck.Fail("webauthn_malformed");
        }

        var expected = await challenges.TakeWebAuthnChallengeAsync(challenge.Id, cancellationToken);
        if (expected is null)
        {
            return MethodCheck.Fail("webauthn_no_pending_challenge");
        }

        var credentials = await CredentialsAsync(challenge, cancellationToken);
        if (!WebAuthnAssertionResponse.TryParse(json, out var response))
        {
            return MethodCheck.Fail("webauthn_malformed");
        }

        var factor = WebAuthnBase64Url.TryDecode(response.RawId, 1023, out var rawId)
            ? credentials.FirstOrDefault(f => f.CredentialId.AsSpan().SequenceEqual(rawId))
            : null;
        if (factor is null)
        {
            return MethodCheck.Fail("webauthn_unknown_credential");
        }

        var result = WebAuthnAssertion.Verify(response, new WebAuthnAssertionExpectations
        {
            Challenge = expected,
            Origins = rp.Origins,
            RpId = rp.RpId,
            RequireUserVerification = RequiresUserVerification(challenge),
            AllowCredentialIds = credentials.Select(f => (ReadOnlyMemory<byte>)f.CredentialId!).ToList(),
        }, new WebAuthnStoredCredential
        {
            Id = factor.CredentialId!,
            PublicKey = factor.PublicKey!,
            SignCount = (uint)(factor.SignCount ?? 0),
            BackupEligible = factor.BackupEligible ?? false,
            UserHandle = RelyingParty.UserHandle(Factors.SubjectKey.For(challenge.App, challenge.SubjectId)),
        });
        if (!result.Succeeded)
        {
            return MethodCheck.Fail(result.Error!);
        }

        if (!await factors.UpdateWebAuthnAsync(factor.Id, factor.SignCount ?? 0, result.SignCount, result.BackupState, time.GetUtcNow(), cancellationToken))
        {
            return MethodCheck.Fail("webauthn_sign_count_regressed"); // a concurrent assertion used this count
        }

        return new MethodCheck(true, null, result.UserVerified, result.BackupEligible, factor.Id);
    }

    private async Task<List<Factor>> CredentialsAsync(Challenge challenge, CancellationToken cancellationToken) =>
        (await factors.ListAsync(Factors.SubjectKey.For(challenge.App, challenge.SubjectId), cancellationToken))
            .Where(f => f.Type == FactorType.WebAuthn && f.Status == FactorStatus.Active && f.CredentialId is not null)
            .ToList();

    private bool RequiresUserVerification(Challenge challenge) =>
        challenge.Level == AssuranceLevel.Aal3 && policies.Current.Policy.Levels[AssuranceLevel.Aal3].UserVerificationRequired;
}
