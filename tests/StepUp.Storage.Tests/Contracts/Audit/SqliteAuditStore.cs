using Microsoft.Data.Sqlite;
using StepUp.Core.Security;
using StepUp.Storage.Retention;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The SQLite audit stores on one database file.</summary>
public sealed class SqliteAuditStore(SqliteStoreDatabase database) : AuditStore(database)
{
    public override IAuditReader Reader { get; } = new SqliteAuditReader(database.Database);

    public override IAuditForwardReader ForwardReader { get; } = new SqliteAuditForwardReader(database.Database);

    public override IAuditRollupReader Rollups { get; } = new SqliteAuditRollupReader(database.Database);

    public override TestAuditAppender OpenAppender(TimeProvider clock, int queueCapacity = 4096, int maxBatchSize = 512) =>
        TestAuditAppender.Wrap(new SqliteAuditAppender(database.Database, clock, new SqliteAuditAppenderOptions { QueueCapacity = queueCapacity, MaxBatchSize = maxBatchSize }));

    public override IAuditRetention Retention(TimeProvider clock) => new SqliteAuditRetention(database.Database, clock);

    public override async Task<List<AuditRow>> AuditRowsAsync()
    {
        await using var connection = RawSql.Open(database.Database);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, time, time_ms, type, prev_hash, payload_digest, hash, payload, erased FROM audit_events ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt64(9)));
        }

        return rows;
    }

    public override Task DropGuardsAsync() => ExecuteAsync(
        "DROP TRIGGER IF EXISTS audit_events_append_only; DROP TRIGGER IF EXISTS signing_keys_immutable; DROP TRIGGER IF EXISTS signing_keys_keep_audit_keys;");

    public override Task FailInsertsContainingAsync(string marker) => ExecuteAsync(
        $"CREATE TRIGGER test_fail BEFORE INSERT ON audit_events WHEN NEW.payload LIKE {Literal("%" + marker + "%")} BEGIN SELECT RAISE(ABORT, 'boom'); END;");

    public override bool IsUniqueViolation(Exception error) => error is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    public override async Task PlantAuditKeyAsync(EcPublicJwk jwk)
    {
        await ExecuteAsync("DELETE FROM signing_keys;");
        await ExecuteAsync("INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at) " +
                           $"VALUES ({Literal(jwk.Kid)}, 'audit', 'ES256', x'00', {Literal(jwk.ToJson().ToJsonString())}, '2026-01-01T00:00:00.000Z');");
    }
}
