using Microsoft.Data.Sqlite;
using StepUp.Core.Challenges;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Sqlite.StepUps.SqlRunner;

namespace StepUp.Storage.Sqlite.StepUps;

/// <summary>SQLite lockout state; failure counting is one atomic read-modify-write transaction.</summary>
public sealed class SqliteSubjectStore(SqliteDatabase database) : ISubjectStore
{
    public async Task<SubjectLockout> GetAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(database, "SELECT consecutive_failures, lockouts, locked_until_ms FROM subjects WHERE id = $id",
            r => Read(subjectId, r), cancellationToken, ("$id", subjectId));
        return rows.Count == 0 ? new SubjectLockout(subjectId, 0, 0, null) : rows[0];
    }

    public async Task<SubjectLockout> RecordFailureAsync(string subjectId, int threshold, TimeSpan backoffMin, TimeSpan backoffMax, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await ReadAsync(connection, transaction, subjectId, cancellationToken);
        var failures = current.ConsecutiveFailures + 1;
        var lockouts = current.Lockouts;
        var lockedUntil = current.LockedUntil;
        if (failures >= threshold)
        {
            lockedUntil = now + SubjectLockout.Backoff(lockouts, backoffMin, backoffMax);
            lockouts++;
            failures = 0;
        }

        await UpsertAsync(connection, transaction, new SubjectLockout(subjectId, failures, lockouts, lockedUntil), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SubjectLockout(subjectId, failures, lockouts, lockedUntil);
    }

    public async Task RecordSuccessAsync(string subjectId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE subjects SET consecutive_failures = 0, lockouts = 0, updated_at = $now WHERE id = $id", cancellationToken,
            ("$id", subjectId), ("$now", Text(now)));

    public async Task<bool> UnlockAsync(string subjectId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var state = await GetAsync(subjectId, cancellationToken);
        await ExecuteAsync(database, "UPDATE subjects SET consecutive_failures = 0, lockouts = 0, locked_until_ms = NULL, updated_at = $now WHERE id = $id", cancellationToken,
            ("$id", subjectId), ("$now", Text(now)));
        return state.IsLocked(now);
    }

    private static SubjectLockout Read(string subjectId, SqliteDataReader r) =>
        new(subjectId, r.GetInt32(0), r.GetInt32(1), NullableLong(r, 2) is { } ms ? FromMs(ms) : null);

    private static async Task<SubjectLockout> ReadAsync(SqliteConnection connection, SqliteTransaction transaction, string subjectId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT consecutive_failures, lockouts, locked_until_ms FROM subjects WHERE id = $id", ("$id", subjectId));
        command.Transaction = transaction;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(subjectId, reader) : new SubjectLockout(subjectId, 0, 0, null);
    }

    private static async Task UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, SubjectLockout state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "INSERT INTO subjects (id, consecutive_failures, lockouts, locked_until_ms, updated_at) VALUES ($id, $f, $l, $u, $now) " +
            "ON CONFLICT (id) DO UPDATE SET consecutive_failures = $f, lockouts = $l, locked_until_ms = $u, updated_at = $now",
            ("$id", state.SubjectId), ("$f", state.ConsecutiveFailures), ("$l", state.Lockouts),
            ("$u", state.LockedUntil is { } until ? Ms(until) : null), ("$now", Text(now)));
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
