using Npgsql;
using StepUp.Core.Challenges;
using StepUp.Storage.StepUps;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres.StepUps;

/// <summary>
/// PostgreSQL lockout state. Counting a failure is one transaction whose first statement is an
/// upsert that increments the count and holds the row lock until commit, so failures recorded by
/// several nodes at once queue on the row and each is counted exactly once.
/// </summary>
public sealed class PostgresSubjectStore(PostgresDatabase database) : ISubjectStore
{
    /// <inheritdoc/>
    public async Task<SubjectLockout> GetAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync(database, "SELECT consecutive_failures, lockouts, locked_until FROM subjects WHERE id = @id",
            r => Read(subjectId, r), cancellationToken, ("id", subjectId));
        return rows.Count == 0 ? new SubjectLockout(subjectId, 0, 0, null) : rows[0];
    }

    /// <inheritdoc/>
    public Task<SubjectLockout> RecordFailureAsync(string subjectId, int threshold, TimeSpan backoffMin, TimeSpan backoffMax, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunAsync(database, idempotent: false, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var counted = (await QueryAsync(connection, transaction,
                "INSERT INTO subjects (id, consecutive_failures, lockouts, locked_until, updated_at) VALUES (@id, 1, 0, NULL, @now) " +
                "ON CONFLICT (id) DO UPDATE SET consecutive_failures = subjects.consecutive_failures + 1, updated_at = excluded.updated_at " +
                "RETURNING consecutive_failures, lockouts, locked_until",
                r => Read(subjectId, r), cancellationToken, ("id", subjectId), ("now", Time(now))))[0];

            var state = counted;
            if (counted.ConsecutiveFailures >= threshold)
            {
                // The row is still locked by this transaction: no other node can count in between.
                var lockedUntil = Time(now + SubjectLockout.Backoff(counted.Lockouts, backoffMin, backoffMax));
                state = new SubjectLockout(subjectId, 0, counted.Lockouts + 1, lockedUntil);
                await using var lockCommand = Command(connection, transaction,
                    "UPDATE subjects SET consecutive_failures = 0, lockouts = @lockouts, locked_until = @until WHERE id = @id",
                    ("id", subjectId), ("lockouts", state.Lockouts), ("until", lockedUntil));
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return state;
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task RecordSuccessAsync(string subjectId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(database, "UPDATE subjects SET consecutive_failures = 0, lockouts = 0, updated_at = @now WHERE id = @id", cancellationToken,
            ("id", subjectId), ("now", Time(now)));

    /// <inheritdoc/>
    public async Task<bool> UnlockAsync(string subjectId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // One statement reads the lock it lifts (the sub-select locks the row), so two admins
        // unlocking at once see one "was locked".
        var before = await QueryAsync(database,
            "UPDATE subjects s SET consecutive_failures = 0, lockouts = 0, locked_until = NULL, updated_at = @now " +
            "FROM (SELECT id, locked_until FROM subjects WHERE id = @id FOR UPDATE) old WHERE s.id = old.id RETURNING old.locked_until",
            r => NullableTime(r, 0), cancellationToken, ("id", subjectId), ("now", Time(now)));
        return before.Count == 1 && before[0] is { } until && until > now;
    }

    private static SubjectLockout Read(string subjectId, NpgsqlDataReader r) =>
        new(subjectId, r.GetInt32(0), r.GetInt32(1), NullableTime(r, 2));
}
