using StepUp.Storage.StepUps;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres.StepUps;

/// <summary>
/// PostgreSQL enrolment links, looked up by the SHA-256 of their token; using one is a conditional
/// update, so a link is used once even when two nodes enrol through it at once.
/// </summary>
public sealed class PostgresEnrollmentStore(PostgresDatabase database) : IEnrollmentStore
{
    /// <inheritdoc/>
    public async Task AddAsync(byte[] tokenHash, string subjectId, string app, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "INSERT INTO enrollments (token_hash, subject_id, app, created_at, expires_at, used_at) VALUES (@hash, @subject, @app, @now, @expires, NULL)",
            cancellationToken, ("hash", tokenHash), ("subject", subjectId), ("app", app), ("now", Time(now)), ("expires", Time(expiresAt)));

    /// <inheritdoc/>
    public async Task<(string SubjectId, string App)?> FindAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync(database, "SELECT subject_id, app FROM enrollments WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
            r => (r.GetString(0), r.GetString(1)), cancellationToken, ("hash", tokenHash), ("now", Time(now)));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc/>
    public async Task<bool> UseAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE enrollments SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL",
            cancellationToken, ("hash", tokenHash), ("now", Time(now))) == 1;
}
