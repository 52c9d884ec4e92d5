using StepUp.Core.Factors;

namespace StepUp.Storage.StepUps;

/// <summary>Factors (TOTP, WebAuthn), recovery codes and pending WebAuthn registrations.</summary>
public interface IFactorStore
{
    Task AddAsync(Factor factor, CancellationToken cancellationToken = default);

    Task<Factor?> GetAsync(string subjectId, string factorId, CancellationToken cancellationToken = default);

    /// <summary>Active and pending factors of a subject (removed ones are left out).</summary>
    Task<IReadOnlyList<Factor>> ListAsync(string subjectId, CancellationToken cancellationToken = default);

    Task<Factor?> FindByCredentialIdAsync(byte[] credentialId, CancellationToken cancellationToken = default);

    /// <summary>Activates a pending TOTP factor with the step of its first code.</summary>
    Task<bool> ActivateAsync(string factorId, long step, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Accepts a TOTP step only when it is later than the last accepted one — a conditional update,
    /// so two verifications (or two nodes) cannot both accept one code.
    /// </summary>
    Task<bool> TryAdvanceStepAsync(string factorId, long step, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a WebAuthn assertion's sign count and backup state, only if the stored count is still
    /// the one the assertion was checked against (a conditional update: of two concurrent
    /// assertions with one count, one wins; a lower count never overwrites a higher one).
    /// </summary>
    Task<bool> UpdateWebAuthnAsync(string factorId, long checkedSignCount, long signCount, bool backupState, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<bool> RemoveAsync(string subjectId, string factorId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Replaces the subject's recovery codes with a new set of keyed hashes.</summary>
    Task ReplaceRecoveryCodesAsync(string subjectId, IReadOnlyList<byte[]> hashes, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Every recovery-code hash of the subject, unused ones with their index, used ones as null.</summary>
    Task<IReadOnlyList<byte[]?>> RecoveryCodeHashesAsync(string subjectId, CancellationToken cancellationToken = default);

    /// <summary>Marks one code used; false when it was used already (single use, atomically).</summary>
    Task<bool> UseRecoveryCodeAsync(string subjectId, int index, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task AddRegistrationChallengeAsync(string subjectId, byte[] challenge, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Takes (deletes) a pending registration challenge of the subject; false when unknown, used or expired.</summary>
    Task<bool> TakeRegistrationChallengeAsync(string subjectId, byte[] challenge, DateTimeOffset now, CancellationToken cancellationToken = default);
}
