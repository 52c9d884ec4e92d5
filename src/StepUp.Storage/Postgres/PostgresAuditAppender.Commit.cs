using System.Data;
using System.Globalization;
using Npgsql;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

// The SQL side of the writer: one transaction per batch, serialised across nodes by an advisory lock.
public sealed partial class PostgresAuditAppender
{
    /// <summary>The advisory lock key that serialises appends across nodes ("StepUpAu").</summary>
    internal const long ChainLockKey = 0x53746570_55704175;

    private const string LockTimeoutSql = "SELECT set_config('lock_timeout', $1, true)";

    private static readonly string LockSql = "SELECT pg_advisory_xact_lock(" + ChainLockKey.ToString(CultureInfo.InvariantCulture) + ")";

    private const string ReadTipSql = "SELECT seq, hash, time_ms FROM audit_events ORDER BY seq DESC LIMIT 1";

    // One round trip for the whole batch: the rows travel as arrays, one per column.
    private const string InsertSql =
        "INSERT INTO audit_events (seq, id, time, time_ms, type, prev_hash, payload_digest, hash, payload, " +
        "app, subject_id, session_id, action, outcome, ip) " +
        "SELECT u.seq, u.id, $1, $2, u.type, u.prev_hash, u.payload_digest, u.hash, u.payload, " +
        "u.app, u.subject_id, u.session_id, u.action, u.outcome, u.ip " +
        "FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], " +
        "$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[]) " +
        "AS u(seq, id, type, prev_hash, payload_digest, hash, payload, app, subject_id, session_id, action, outcome, ip)";

    private const string RollupSql =
        "INSERT INTO audit_rollups (hour, key, count) SELECT $1, u.key, u.count FROM unnest($2::text[], $3::bigint[]) AS u(key, count) " +
        "ON CONFLICT (hour, key) DO UPDATE SET count = audit_rollups.count + excluded.count";

    private readonly string _lockTimeout;

    // Set just before COMMIT is sent: a connection lost after that leaves the outcome unknown.
    private bool _commitSent;

    /// <summary>
    /// Commits the batch. A connection failure before COMMIT was sent cannot have written anything,
    /// so it is retried once on a fresh connection (the pooled one may predate a server restart);
    /// otherwise it becomes a <see cref="StorageUnavailableException"/>.
    /// </summary>
    private protected override async ValueTask<AuditEvent[][]> CommitAsync(IReadOnlyList<PendingAppend> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CommitOnceAsync(batch).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                throw new StorageUnavailableException(
                    $"The audit chain lock was not granted within {_lockTimeout}: another node holds it (stuck mid-commit?); nothing was written.", ex);
            }
            catch (Exception ex) when (PostgresAuditConnections.IsUnavailable(ex))
            {
                PostgresAuditConnections.Reset(_database);
                if (_commitSent)
                {
                    throw PostgresAuditConnections.Unavailable("the connection broke during the commit; the events may or may not have been written", ex);
                }

                if (attempt >= 2)
                {
                    throw PostgresAuditConnections.Unavailable("nothing was written", ex);
                }
            }
        }
    }

    private async Task<AuditEvent[][]> CommitOnceAsync(IReadOnlyList<PendingAppend> batch)
    {
        _commitSent = false;
        await using var connection = await _database.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted).ConfigureAwait(false);

        long seq = 0;
        var prevHash = AuditChain.GenesisHash;
        var time = AuditTime.Truncate(TimeProvider.GetUtcNow());
        // The lock is held until COMMIT. The tip is read by the next statement, whose snapshot is
        // taken after the lock was granted, so it sees every chain extension committed before.
        await using (var head = new NpgsqlBatch(connection, transaction)
                     {
                         BatchCommands = { new(LockTimeoutSql) { Parameters = { new() { Value = _lockTimeout } } }, new(LockSql), new(ReadTipSql) },
                     })
        await using (var reader = await head.ExecuteReaderAsync().ConfigureAwait(false))
        {
            await reader.NextResultAsync().ConfigureAwait(false);
            await reader.NextResultAsync().ConfigureAwait(false);
            if (await reader.ReadAsync().ConfigureAwait(false))
            {
                seq = reader.GetInt64(0);
                prevHash = reader.GetString(1);
                // time never goes backwards along the chain, even if this node's clock is behind another's.
                var headTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2));
                if (headTime > time)
                {
                    time = headTime;
                }
            }
        }

        var count = 0;
        foreach (var pending in batch)
        {
            count += pending.Drafts.Length;
        }

        var rows = new InsertColumns(count);
        var rollup = new Dictionary<string, long>(StringComparer.Ordinal);
        var results = new AuditEvent[batch.Count][];
        var row = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var drafts = batch[i].Drafts;
            var events = new AuditEvent[drafts.Length];
            for (var j = 0; j < drafts.Length; j++, row++)
            {
                var prepared = drafts[j];
                var draft = prepared.Draft;
                seq++;
                var id = draft.Id ?? EventId.New(time);
                var hash = AuditChain.Hash(seq, id, time, draft.Type, prevHash, prepared.PayloadDigest);
                rows.Set(row, seq, id, draft.Type, prevHash, prepared.PayloadDigest, hash, prepared.PayloadText, prepared.Index);
                foreach (var key in prepared.Rollup)
                {
                    rollup[key] = rollup.GetValueOrDefault(key) + 1;
                }
                events[j] = new AuditEvent
                {
                    Seq = seq,
                    Id = id,
                    Time = time,
                    Type = draft.Type,
                    PrevHash = prevHash,
                    PayloadDigest = prepared.PayloadDigest,
                    Hash = hash,
                    Payload = draft.Payload,
                };
                prevHash = hash;
            }

            results[i] = events;
        }

        await using (var insert = new NpgsqlCommand(InsertSql, connection, transaction))
        {
            rows.Bind(insert, AuditTime.ToText(time), time.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        // The overview's hourly counters, in the same transaction (and under the same lock) as the events.
        if (rollup.Count > 0)
        {
            await using var counters = new NpgsqlCommand(RollupSql, connection, transaction)
            {
                Parameters = { new() { Value = AuditRollup.Hour(time) }, new() { Value = rollup.Keys.ToArray() }, new() { Value = rollup.Values.ToArray() } },
            };
            await counters.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        _commitSent = true;
        await transaction.CommitAsync().ConfigureAwait(false);
        return results;
    }

    /// <summary>The batch's rows, column by column, for the <c>unnest</c> insert.</summary>
    private sealed class InsertColumns(int count)
    {
        private readonly long[] _seq = new long[count];
        private readonly string[] _id = new string[count];
        private readonly string[] _type = new string[count];
        private readonly string[] _prevHash = new string[count];
        private readonly string[] _payloadDigest = new string[count];
        private readonly string[] _hash = new string[count];
        private readonly string[] _payload = new string[count];
        private readonly string?[] _app = new string?[count];
        private readonly string?[] _subjectId = new string?[count];
        private readonly string?[] _sessionId = new string?[count];
        private readonly string?[] _action = new string?[count];
        private readonly string?[] _outcome = new string?[count];
        private readonly string?[] _ip = new string?[count];

        public void Set(int row, long seq, string id, string type, string prevHash, string payloadDigest, string hash, string payload, AuditIndexFields index)
        {
            _seq[row] = seq;
            _id[row] = id;
            _type[row] = type;
            _prevHash[row] = prevHash;
            _payloadDigest[row] = payloadDigest;
            _hash[row] = hash;
            _payload[row] = payload;
            _app[row] = index.App;
            _subjectId[row] = index.SubjectId;
            _sessionId[row] = index.SessionId;
            _action[row] = index.Action;
            _outcome[row] = index.Outcome;
            _ip[row] = index.Ip;
        }

        public void Bind(NpgsqlCommand command, string timeText, long timeMs)
        {
            var parameters = command.Parameters;
            parameters.Add(new NpgsqlParameter<string> { TypedValue = timeText });
            parameters.Add(new NpgsqlParameter<long> { TypedValue = timeMs });
            parameters.Add(new NpgsqlParameter<long[]> { TypedValue = _seq });
            foreach (var column in (string?[][])[_id, _type, _prevHash, _payloadDigest, _hash, _payload, _app, _subjectId, _sessionId, _action, _outcome, _ip])
            {
                parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = column });
            }
        }
    }
}
