using StepUp.Core.Challenges;

namespace StepUp.Storage.StepUps;

/// <summary>Subjects' lockout state: consecutive failures across challenges and back-off.</summary>
public interface ISubjectStore
{
    Task<SubjectLockout> GetAsync(string subjectId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts one failed verification atomically; at <paramref name="threshold"/> consecutive
    /// failures the subject is locked for a back-off doubling from <paramref name="backoffMin"/> to
    /// <paramref name="backoffMax"/> and the count starts again. Returns the new state.
    /// </summary>
    Task<SubjectLockout> RecordFailureAsync(string subjectId, int threshold, TimeSpan backoffMin, TimeSpan backoffMax, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>A successful verification ends the run of failures and resets the back-off.</summary>
    Task RecordSuccessAsync(string subjectId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Lifts a lockout and forgets the failures; returns whether the subject was locked.</summary>
    Task<bool> UnlockAsync(string subjectId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
