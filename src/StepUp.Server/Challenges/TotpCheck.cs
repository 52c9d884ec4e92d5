using StepUp.Core.Factors;
using StepUp.Core.Factors.Totp;
using StepUp.Core.Security;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Challenges;

/// <summary>
/// Checks a TOTP code against every active TOTP factor of the subject (RFC 6238, ±1 step); a code
/// counts only when its step is later than the factor's last accepted one, via a conditional
/// update, so one code succeeds exactly once even with concurrent verifications or several nodes.
/// </summary>
internal sealed class TotpCheck(IFactorStore factors, SecretBox secrets, TimeProvider time)
{
    public const string SeedAssociatedData = "stepup/totp-seed/";

    public async Task<MethodCheck> CheckAsync(string subjectId, string? code, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var replayed = false;
        foreach (var factor in await factors.ListAsync(subjectId, cancellationToken))
        {
            if (factor.Type != FactorType.Totp || factor.Status != FactorStatus.Active || factor.EncryptedSecret is null ||
                !secrets.TryOpen(factor.EncryptedSecret, SeedAssociatedData + factor.Id, out var seed))
            {
                continue;
            }

            var result = TotpVerifier.Verify(seed, code, now, factor.LastStep);
            Array.Clear(seed);
            if (result.Accepted && await factors.TryAdvanceStepAsync(factor.Id, result.Step, now, cancellationToken))
            {
                return new MethodCheck(true, null, FactorId: factor.Id);
            }

            replayed |= result.Accepted || result.Failure == TotpFailure.Replayed;
        }

        return MethodCheck.Fail(replayed ? "replayed_code" : "invalid_code");
    }
}
