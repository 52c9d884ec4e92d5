using StepUp.Storage.Risk;
using static StepUp.Storage.Sqlite.StepUps.SqlRunner;

namespace StepUp.Storage.Sqlite.Risk;

/// <summary>SQLite risk profiles: one row per subject, written in batches by the write-behind flusher.</summary>
public sealed class SqliteRiskProfileStore(SqliteDatabase database) : IRiskProfileStore
{
    public async Task<byte[]?> GetAsync(string subjectKey, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(database, "SELECT data FROM risk_profiles WHERE subject_key = $key",
            r => (byte[])r.GetValue(0), cancellationToken, ("$key", subjectKey));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task SaveAsync(IReadOnlyCollection<(string SubjectKey, byte[] Data)> profiles, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        if (profiles.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = Command(connection,
            "INSERT INTO risk_profiles (subject_key, data, updated_at) VALUES ($key, $data, $now) " +
            "ON CONFLICT (subject_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            ("$key", string.Empty), ("$data", Array.Empty<byte>()), ("$now", Text(now)));
        command.Transaction = transaction;
        foreach (var (key, data) in profiles)
        {
            command.Parameters["$key"].Value = key;
            command.Parameters["$data"].Value = data;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
