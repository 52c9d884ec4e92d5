using StepUp.Core.Challenges;

namespace StepUp.Storage.StepUps;

/// <summary>Challenges: created by a step_up decision, answered (or not) through verify.</summary>
public interface IChallengeStore
{
    Task AddAsync(Challenge challenge, CancellationToken cancellationToken = default);

    Task<Challenge?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a wrong answer on a pending, unexpired challenge atomically; the last allowed wrong
    /// answer locks it. Returns the updated challenge, or null when it was not pending.
    /// </summary>
    Task<Challenge?> RecordFailureAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks a pending, unexpired challenge verified; exactly one caller wins.</summary>
    Task<bool> CompleteAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks a pending challenge as expired (for the audit of expiry); false when it was not pending.</summary>
    Task<bool> ExpireAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Sets the challenge's current WebAuthn assertion challenge (replacing any earlier one).</summary>
    Task SetWebAuthnChallengeAsync(string id, byte[] challenge, CancellationToken cancellationToken = default);

    /// <summary>Takes the current WebAuthn assertion challenge; it can be taken once.</summary>
    Task<byte[]?> TakeWebAuthnChallengeAsync(string id, CancellationToken cancellationToken = default);
}
