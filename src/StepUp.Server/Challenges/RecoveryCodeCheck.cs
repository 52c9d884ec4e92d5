using StepUp.Core.Factors.RecoveryCodes;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Challenges;

/// <summary>
/// Recovery codes: the answer is compared with every stored keyed hash (no early exit, used codes
/// replaced by a placeholder so the work does not depend on which remain), then marked used
/// atomically, so a code works once.
/// </summary>
internal sealed class RecoveryCodeCheck(IFactorStore factors, RecoveryCodeKey key, TimeProvider time)
{
    private static readonly byte[] UsedPlaceholder = new byte[32];

    public async Task<MethodCheck> CheckAsync(string subjectId, string? code, CancellationToken cancellationToken)
    {
        var hashes = (await factors.RecoveryCodeHashesAsync(subjectId, cancellationToken)).Select(h => h ?? UsedPlaceholder).ToList();
        var index = RecoveryCode.Match(key.Value, code, hashes);
        if (index < 0 || ReferenceEquals(hashes[index], UsedPlaceholder))
        {
            return MethodCheck.Fail("invalid_code");
        }

        return await factors.UseRecoveryCodeAsync(subjectId, index, time.GetUtcNow(), cancellationToken)
            ? new MethodCheck(true, null)
            : MethodCheck.Fail("replayed_code");
    }
}

/// <summary>The HMAC key of recovery-code hashes, derived from the secrets key (never stored).</summary>
internal sealed class RecoveryCodeKey(byte[] value)
{
    public byte[] Value { get; } = value;
}
