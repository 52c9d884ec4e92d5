using StepUp.Storage.StepUps;
using static StepUp.Storage.Sqlite.StepUps.SqlRunner;

namespace StepUp.Storage.Sqlite.StepUps;

/// <summary>SQLite enrolment links, looked up by the SHA-256 of their token.</summary>
public sealed class SqliteEnrollmentStore(SqliteDatabase database) : IEnrollmentStore
{
    public async Task AddAsync(byte[] tokenHash, string subjectId, string app, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database,
            "INSERT INTO enrollments (token_hash, subject_id, app, created_at, expires_at_ms, used_at) VALUES ($hash, $subject, $app, $now, $expires, NULL)",
            cancellationToken, ("$hash", tokenHash), ("$subject", subjectId), ("$app", app), ("$now", Text(now)), ("$expires", Ms(expiresAt)));

    public async Task<(string SubjectId, string App)?> FindAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(database, "SELECT subject_id, app FROM enrollments WHERE token_hash = $hash AND used_at IS NULL AND expires_at_ms > $now",
            r => (r.GetString(0), r.GetString(1)), cancellationToken, ("$hash", tokenHash), ("$now", Ms(now)));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> UseAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE enrollments SET used_at = $now WHERE token_hash = $hash AND used_at IS NULL",
            cancellationToken, ("$hash", tokenHash), ("$now", Text(now))) == 1;
}
