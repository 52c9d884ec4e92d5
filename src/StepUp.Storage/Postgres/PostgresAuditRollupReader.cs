using Npgsql;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

/// <summary>Reads the hourly counters of <see cref="AuditRollup"/> from PostgreSQL.</summary>
public sealed class PostgresAuditRollupReader(PostgresDatabase database) : IAuditRollupReader
{
    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public Task<IReadOnlyList<AuditRollupCount>> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        PostgresAuditConnections.ReadAsync<IReadOnlyList<AuditRollupCount>>(database, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT hour, key, count FROM audit_rollups WHERE hour >= $1 AND hour < $2 ORDER BY hour, key", connection)
            {
                Parameters = { new() { Value = AuditRollup.Hour(from) }, new() { Value = AuditRollup.Hour(to.AddHours(1).AddTicks(-1)) } },
            };
            var counts = new List<AuditRollupCount>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts.Add(new AuditRollupCount(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0) * 3600), reader.GetString(1), reader.GetInt64(2)));
            }

            return counts;
        }, cancellationToken);
}
