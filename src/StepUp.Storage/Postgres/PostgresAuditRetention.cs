using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using StepUp.Core.Audit;
using StepUp.Storage.Retention;

namespace StepUp.Storage.Postgres;

/// <summary>
/// PostgreSQL erasure, legal holds and prefix pruning, with the semantics of
/// <see cref="SqliteAuditRetention"/>. Erasure NULLs the payload and the extracted filter columns and
/// sets <c>erased</c> (the only update the append-only trigger allows), a few hundred rows per
/// statement so no long transaction holds row locks. Prunes are serialised across nodes by an
/// advisory lock of their own, so they never block appends.
/// </summary>
public sealed class PostgresAuditRetention(PostgresDatabase database, TimeProvider timeProvider) : IAuditRetention
{
    /// <summary>The advisory lock key that serialises prunes across nodes ("StepUpPr").</summary>
    internal const long PruneLockKey = 0x53746570_55705072;

    private const int BatchSize = 500;

    private const string EraseColumns =
        "payload = NULL, erased = true, app = NULL, subject_id = NULL, session_id = NULL, action = NULL, outcome = NULL, ip = NULL";

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public async Task<long> EraseSubjectAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var holds = await ListHoldsAsync(cancellationToken);
        if (holds.Any(h => h.SubjectId is null || h.SubjectId == subjectId))
        {
            throw new LegalHoldException($"a legal hold covers subject '{subjectId}'");
        }

        return await EraseAsync(
            $"SELECT seq FROM audit_events WHERE subject_id = @subject AND NOT erased LIMIT {BatchSize}",
            command => command.Parameters.AddWithValue("subject", subjectId),
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public async Task<long> EraseOlderThanAsync(string? type, IReadOnlyCollection<string> exceptTypes, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exceptTypes);
        var holds = await ListHoldsAsync(cancellationToken);
        if (holds.Any(h => h.SubjectId is null))
        {
            return 0;
        }

        // The same protected types as SQLite: checkpoints, erasures and prunes keep their payloads.
        var excluded = SqliteAuditRetention.ProtectedTypes.Concat(exceptTypes).Distinct(StringComparer.Ordinal).ToArray();
        var sql = new StringBuilder("SELECT seq FROM audit_events WHERE NOT erased AND time_ms < @before");
        if (type is not null)
        {
            sql.Append(" AND type = @type");
        }

        sql.Append(" AND type <> ALL(@excluded)");
        sql.Append(" AND (subject_id IS NULL OR subject_id NOT IN (SELECT substr(scope, 9) FROM audit_legal_holds WHERE scope LIKE 'subject:%'))");
        sql.Append(" LIMIT ").Append(BatchSize);
        return await EraseAsync(sql.ToString(), command =>
        {
            command.Parameters.AddWithValue("before", AuditTime.ToUnixMilliseconds(before));
            command.Parameters.AddWithValue("excluded", excluded);
            if (type is not null)
            {
                command.Parameters.AddWithValue("type", type);
            }
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public Task<PruneResult> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        PostgresAuditConnections.WriteAsync(database, async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var lockPrunes = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PruneLockKey.ToString(CultureInfo.InvariantCulture)})", connection, transaction))
            {
                await lockPrunes.ExecuteNonQueryAsync(ct);
            }

            // Checked inside the transaction, after the lock, so a hold placed before this prune began is seen.
            await using (var anyHold = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM audit_legal_holds)", connection, transaction))
            {
                if ((bool)(await anyHold.ExecuteScalarAsync(ct))!)
                {
                    throw new LegalHoldException("a legal hold exists: nothing is pruned while one does");
                }
            }

            string? payload;
            await using (var find = new NpgsqlCommand(
                "SELECT payload FROM audit_events WHERE type = @type AND NOT erased AND time_ms < @before ORDER BY seq DESC LIMIT 1", connection, transaction))
            {
                find.Parameters.AddWithValue("type", AuditEventTypes.AuditCheckpoint);
                find.Parameters.AddWithValue("before", AuditTime.ToUnixMilliseconds(before));
                payload = await find.ExecuteScalarAsync(ct) as string;
            }

            var checkpoint = payload is null ? null : JsonNode.Parse(payload) as JsonObject;
            if (checkpoint?["checkpoint_seq"] is not { } seqNode || checkpoint["checkpoint_hash"] is not { } hashNode)
            {
                return new PruneResult(0, 0, null);
            }

            var through = seqNode.GetValue<long>();
            var hash = hashNode.GetValue<string>();
            long deleted;
            await using (var delete = new NpgsqlCommand("DELETE FROM audit_events WHERE seq <= @through", connection, transaction))
            {
                delete.Parameters.AddWithValue("through", through);
                deleted = await delete.ExecuteNonQueryAsync(ct);
            }

            if (deleted > 0)
            {
                // Only ever moves forward, even if an older cut were recorded after a newer one.
                await using var state = new NpgsqlCommand(
                    "INSERT INTO audit_pruned (id, through_seq, through_hash, pruned_at) VALUES (1, @seq, @hash, @now) " +
                    "ON CONFLICT (id) DO UPDATE SET through_seq = excluded.through_seq, through_hash = excluded.through_hash, pruned_at = excluded.pruned_at " +
                    "WHERE audit_pruned.through_seq < excluded.through_seq", connection, transaction);
                state.Parameters.AddWithValue("seq", through);
                state.Parameters.AddWithValue("hash", hash);
                state.Parameters.AddWithValue("now", AuditTime.Truncate(timeProvider.GetUtcNow()));
                await state.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return new PruneResult(deleted, deleted > 0 ? through : 0, deleted > 0 ? hash : null);
        }, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public Task<(long Seq, string Hash)?> PrunedThroughAsync(CancellationToken cancellationToken = default) =>
        PostgresAuditConnections.ReadAsync<(long, string)?>(database, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT through_seq, through_hash FROM audit_pruned WHERE id = 1", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : null;
        }, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public Task<IReadOnlyList<LegalHold>> ListHoldsAsync(CancellationToken cancellationToken = default) =>
        PostgresAuditConnections.ReadAsync<IReadOnlyList<LegalHold>>(database, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT scope, reason, created_at FROM audit_legal_holds ORDER BY created_at, scope", connection);
            var holds = new List<LegalHold>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var scope = reader.GetString(0);
                holds.Add(new LegalHold(
                    scope == LegalHold.Everything ? null : scope[LegalHold.SubjectPrefix.Length..],
                    reader.GetString(1),
                    reader.GetFieldValue<DateTimeOffset>(2)));
            }

            return holds;
        }, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public Task PlaceHoldAsync(string? subjectId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        var hold = new LegalHold(subjectId, reason, AuditTime.Truncate(timeProvider.GetUtcNow()));
        return PostgresAuditConnections.WriteAsync(database, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO audit_legal_holds (scope, reason, created_at) VALUES (@scope, @reason, @created) " +
                "ON CONFLICT (scope) DO UPDATE SET reason = excluded.reason", connection);
            command.Parameters.AddWithValue("scope", hold.Scope);
            command.Parameters.AddWithValue("reason", reason);
            command.Parameters.AddWithValue("created", hold.CreatedAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public Task<bool> LiftHoldAsync(string? subjectId, CancellationToken cancellationToken = default) =>
        PostgresAuditConnections.WriteAsync(database, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM audit_legal_holds WHERE scope = @scope", connection);
            command.Parameters.AddWithValue("scope", new LegalHold(subjectId, "-", default).Scope);
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);

    /// <summary>Erases the rows <paramref name="selectSeqs"/> picks, a batch per statement (its own transaction), until none is left.</summary>
    private Task<long> EraseAsync(string selectSeqs, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        PostgresAuditConnections.WriteAsync(database, async (connection, ct) =>
        {
            long total = 0;
            await using var command = new NpgsqlCommand($"UPDATE audit_events SET {EraseColumns} WHERE seq IN ({selectSeqs})", connection);
            bind(command);
            while (true)
            {
                var erased = await command.ExecuteNonQueryAsync(ct);
                total += erased;
                if (erased < BatchSize)
                {
                    return total;
                }
            }
        }, cancellationToken);
}
