using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

/// <summary>Reads the hourly counters of <see cref="AuditRollup"/> from SQLite.</summary>
public sealed class SqliteAuditRollupReader(SqliteDatabase database) : IAuditRollupReader
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditRollupCount>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT hour, key, count FROM audit_rollups WHERE hour >= $from AND hour < $to ORDER BY hour, key;";
        command.Parameters.Add("$from", SqliteType.Integer).Value = AuditRollup.Hour(from);
        command.Parameters.Add("$to", SqliteType.Integer).Value = AuditRollup.Hour(to.AddHours(1).AddTicks(-1));
        var counts = new List<AuditRollupCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new AuditRollupCount(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0) * 3600), reader.GetString(1), reader.GetInt64(2)));
        }

        return counts;
    }
}
