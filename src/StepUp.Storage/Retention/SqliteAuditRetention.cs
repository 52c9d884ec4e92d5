using System.Text;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Retention;

/// <summary>
/// SQLite erasure and legal holds. Erasure NULLs the payload and the extracted filter columns and
/// sets <c>erased</c> (the only update the append-only trigger allows), in small transactions so
/// the audit writer is never blocked for long.
/// </summary>
public sealed class SqliteAuditRetention(SqliteDatabase database, TimeProvider timeProvider) : IAuditRetention
{
    private const int BatchSize = 500;

    /// <summary>Events whose payload verification or proofs need: never erased.</summary>
    public static readonly IReadOnlyList<string> ProtectedTypes =
        [AuditEventTypes.AuditCheckpoint, AuditEventTypes.AuditErased, AuditEventTypes.AuditPruned];

    private const string EraseColumns =
        "payload = NULL, erased = 1, app = NULL, subject_id = NULL, session_id = NULL, action = NULL, outcome = NULL, ip = NULL";

    public async Task<long> EraseSubjectAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        var holds = await ListHoldsAsync(cancellationToken);
        if (holds.Any(h => h.SubjectId is null || h.SubjectId == subjectId))
        {
            throw new LegalHoldException($"a legal hold covers subject '{subjectId}'");
        }

        return await EraseAsync(
            "SELECT seq FROM audit_events WHERE subject_id = $subject AND erased = 0 LIMIT " + BatchSize,
            command => command.Parameters.AddWithValue("$subject", subjectId),
            cancellationToken);
    }

    public async Task<long> EraseOlderThanAsync(string? type, IReadOnlyCollection<string> exceptTypes, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exceptTypes);
        var holds = await ListHoldsAsync(cancellationToken);
        if (holds.Any(h => h.SubjectId is null))
        {
            return 0;
        }

        var excluded = ProtectedTypes.Concat(exceptTypes).Distinct(StringComparer.Ordinal).ToList();
        var sql = new StringBuilder("SELECT seq FROM audit_events WHERE erased = 0 AND time_ms < $before");
        if (type is not null)
        {
            sql.Append(" AND type = $type");
        }

        sql.Append(" AND type NOT IN (");
        sql.AppendJoin(", ", excluded.Select((_, i) => "$x" + i));
        sql.Append(") AND (subject_id IS NULL OR subject_id NOT IN (SELECT substr(scope, 9) FROM audit_legal_holds WHERE scope LIKE 'subject:%'))");
        sql.Append(" LIMIT ").Append(BatchSize);
        return await EraseAsync(sql.ToString(), command =>
        {
            command.Parameters.AddWithValue("$before", AuditTime.ToUnixMilliseconds(before));
            if (type is not null)
            {
                command.Parameters.AddWithValue("$type", type);
            }

            for (var i = 0; i < excluded.Count; i++)
            {
                command.Parameters.AddWithValue("$x" + i, excluded[i]);
            }
        }, cancellationToken);
    }

    public async Task<PruneResult> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        if ((await ListHoldsAsync(cancellationToken)).Count > 0)
        {
            throw new LegalHoldException("a legal hold exists: nothing is pruned while one does");
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        string? payload;
        await using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = "SELECT payload FROM audit_events WHERE type = $type AND erased = 0 AND time_ms < $before ORDER BY seq DESC LIMIT 1";
            find.Parameters.AddWithValue("$type", AuditEventTypes.AuditCheckpoint);
            find.Parameters.AddWithValue("$before", AuditTime.ToUnixMilliseconds(before));
            payload = await find.ExecuteScalarAsync(cancellationToken) as string;
        }

        var checkpoint = payload is null ? null : System.Text.Json.Nodes.JsonNode.Parse(payload) as System.Text.Json.Nodes.JsonObject;
        if (checkpoint?["checkpoint_seq"] is not { } seqNode || checkpoint["checkpoint_hash"] is not { } hashNode)
        {
            return new PruneResult(0, 0, null);
        }

        var through = seqNode.GetValue<long>();
        var hash = hashNode.GetValue<string>();
        long deleted;
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM audit_events WHERE seq <= $through";
            delete.Parameters.AddWithValue("$through", through);
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (deleted > 0)
        {
            await using var state = connection.CreateCommand();
            state.Transaction = transaction;
            state.CommandText = "INSERT INTO audit_pruned (id, through_seq, through_hash, pruned_at) VALUES (1, $seq, $hash, $now) " +
                                "ON CONFLICT (id) DO UPDATE SET through_seq = $seq, through_hash = $hash, pruned_at = $now";
            state.Parameters.AddWithValue("$seq", through);
            state.Parameters.AddWithValue("$hash", hash);
            state.Parameters.AddWithValue("$now", AuditTime.ToText(timeProvider.GetUtcNow()));
            await state.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new PruneResult(deleted, deleted > 0 ? through : 0, deleted > 0 ? hash : null);
    }

    public async Task<(long Seq, string Hash)?> PrunedThroughAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT through_seq, through_hash FROM audit_pruned WHERE id = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public async Task<IReadOnlyList<LegalHold>> ListHoldsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT scope, reason, created_at FROM audit_legal_holds ORDER BY created_at";
        var holds = new List<LegalHold>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var scope = reader.GetString(0);
            var created = AuditTime.TryParse(reader.GetString(2), out var time) ? time : default;
            holds.Add(new LegalHold(scope == LegalHold.Everything ? null : scope[LegalHold.SubjectPrefix.Length..], reader.GetString(1), created));
        }

        return holds;
    }

    public async Task PlaceHoldAsync(string? subjectId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        var hold = new LegalHold(subjectId, reason, timeProvider.GetUtcNow());
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO audit_legal_holds (scope, reason, created_at) VALUES ($scope, $reason, $created) " +
                              "ON CONFLICT (scope) DO UPDATE SET reason = excluded.reason";
        command.Parameters.AddWithValue("$scope", hold.Scope);
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$created", AuditTime.ToText(hold.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> LiftHoldAsync(string? subjectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM audit_legal_holds WHERE scope = $scope";
        command.Parameters.AddWithValue("$scope", new LegalHold(subjectId, "-", default).Scope);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Erases the rows <paramref name="selectSeqs"/> picks, a batch per transaction, until none is left.</summary>
    private async Task<long> EraseAsync(string selectSeqs, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        long total = 0;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"UPDATE audit_events SET {EraseColumns} WHERE seq IN ({selectSeqs})";
            bind(command);
            var erased = await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            total += erased;
            if (erased < BatchSize)
            {
                return total;
            }
        }
    }
}
