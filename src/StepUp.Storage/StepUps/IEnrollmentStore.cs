namespace StepUp.Storage.StepUps;

/// <summary>One-time enrolment links (<c>/enroll/{token}</c>); only the token's SHA-256 is stored.</summary>
public interface IEnrollmentStore
{
    Task AddAsync(byte[] tokenHash, string subjectId, string app, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The (subject, app) of an unused, unexpired link; null otherwise.</summary>
    Task<(string SubjectId, string App)?> FindAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks the link used (after a factor was enrolled through it).</summary>
    Task<bool> UseAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default);
}
