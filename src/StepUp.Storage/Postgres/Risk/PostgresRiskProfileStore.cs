using NpgsqlTypes;
using StepUp.Storage.Risk;
using static StepUp.Storage.Postgres.PostgresSql;

namespace StepUp.Storage.Postgres.Risk;

/// <summary>
/// PostgreSQL risk profiles: one row per subject, written in batches by the write-behind flusher
/// as one upsert statement per batch.
/// </summary>
public sealed class PostgresRiskProfileStore(PostgresDatabase database) : IRiskProfileStore
{
    /// <inheritdoc/>
    public async Task<byte[]?> GetAsync(string subjectKey, CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync(database, "SELECT data FROM risk_profiles WHERE subject_key = @key",
            r => r.GetFieldValue<byte[]>(0), cancellationToken, ("key", subjectKey));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc/>
    public async Task SaveAsync(IReadOnlyCollection<(string SubjectKey, byte[] Data)> profiles, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        if (profiles.Count == 0)
        {
            return;
        }

        // One upsert cannot touch a row twice, so a key given twice keeps its last value (as a
        // row-by-row upsert would); sorting the keys makes two nodes saving overlapping batches
        // lock rows in one order, so they queue instead of deadlocking.
        var latest = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, bytes) in profiles)
        {
            latest[key] = bytes;
        }

        var keys = latest.Keys.Order(StringComparer.Ordinal).ToArray();
        var values = keys.Select(k => latest[k]).ToArray();

        // Idempotent (the same rows again), so a save cut off by a connection failure is retried once.
        await RunAsync(database, idempotent: true, async connection =>
        {
            await using var command = Command(connection, null,
                "INSERT INTO risk_profiles (subject_key, data, updated_at) SELECT u.key, u.data, @now FROM unnest(@keys, @data) AS u(key, data) ORDER BY u.key " +
                "ON CONFLICT (subject_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                ("now", Time(now)), ("keys", keys));
            command.Parameters.Add(new("data", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = values });
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }
}
