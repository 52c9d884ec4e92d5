using Npgsql;
using StepUp.Core.Security;
using StepUp.Storage.Postgres;
using StepUp.Storage.Retention;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The PostgreSQL audit stores of one node.</summary>
public sealed class PostgresAuditStore(PostgresStoreDatabase database) : AuditStore(database)
{
    public PostgresDatabase Postgres => database.Database;

    public override IAuditReader Reader { get; } = new PostgresAuditReader(database.Database);

    public override IAuditForwardReader ForwardReader { get; } = new PostgresAuditForwardReader(database.Database);

    public override IAuditRollupReader Rollups { get; } = new PostgresAuditRollupReader(database.Database);

    public override TestAuditAppender OpenAppender(TimeProvider clock, int queueCapacity = 4096, int maxBatchSize = 512) =>
        TestAuditAppender.Wrap(new PostgresAuditAppender(database.Database, clock, new PostgresAuditAppenderOptions { QueueCapacity = queueCapacity, MaxBatchSize = maxBatchSize }));

    public override IAuditRetention Retention(TimeProvider clock) => new PostgresAuditRetention(database.Database, clock);

    public override async Task<List<AuditRow>> AuditRowsAsync()
    {
        await using var connection = await database.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT seq, id, time, time_ms, type, prev_hash, payload_digest, hash, payload, erased FROM audit_events ORDER BY seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetBoolean(9) ? 1 : 0));
        }

        return rows;
    }

    public override Task DropGuardsAsync() => ExecuteAsync(
        "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events; DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events; " +
        "DROP TRIGGER IF EXISTS signing_keys_guard ON signing_keys;");

    public override Task FailInsertsContainingAsync(string marker) => ExecuteAsync(
        "CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
        $"IF NEW.payload LIKE {Literal("%" + marker + "%")} THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$; " +
        "CREATE TRIGGER test_fail BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_fail();");

    public override bool IsUniqueViolation(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override async Task PlantAuditKeyAsync(EcPublicJwk jwk)
    {
        await ExecuteAsync("DELETE FROM signing_keys;");
        await ExecuteAsync("INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at) " +
                           $"VALUES ({Literal(jwk.Kid)}, 'audit', 'ES256', '\\x00'::bytea, {Literal(jwk.ToJson().ToJsonString())}, '2026-01-01T00:00:00Z');");
    }
}
