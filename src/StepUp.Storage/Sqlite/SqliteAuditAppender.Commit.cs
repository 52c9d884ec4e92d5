using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

// The SQL side of the writer: prepared statements reused for every batch on the one connection.
public sealed partial class SqliteAuditAppender
{
    private SqliteCommand _readHead = null!;
    private SqliteCommand _insert = null!;
    private SqliteParameter _seq = null!;
    private SqliteParameter _id = null!;
    private SqliteParameter _time = null!;
    private SqliteParameter _timeMs = null!;
    private SqliteParameter _type = null!;
    private SqliteParameter _prevHash = null!;
    private SqliteParameter _payloadDigest = null!;
    private SqliteParameter _hash = null!;
    private SqliteParameter _payload = null!;
    private SqliteParameter _app = null!;
    private SqliteParameter _subjectId = null!;
    private SqliteParameter _sessionId = null!;
    private SqliteParameter _action = null!;
    private SqliteParameter _outcome = null!;
    private SqliteParameter _ip = null!;
    private SqliteCommand _rollup = null!;

    private void PrepareCommands()
    {
        _readHead = _connection.CreateCommand();
        _readHead.CommandText = "SELECT seq, hash, time_ms FROM audit_events ORDER BY seq DESC LIMIT 1;";

        _insert = _connection.CreateCommand();
        _insert.CommandText =
            "INSERT INTO audit_events (seq, id, time, time_ms, type, prev_hash, payload_digest, hash, payload, erased, " +
            "app, subject_id, session_id, action, outcome, ip) VALUES ($seq, $id, $time, $time_ms, $type, $prev_hash, " +
            "$payload_digest, $hash, $payload, 0, $app, $subject_id, $session_id, $action, $outcome, $ip);";
        _seq = Add("$seq", SqliteType.Integer);
        _id = Add("$id", SqliteType.Text);
        _time = Add("$time", SqliteType.Text);
        _timeMs = Add("$time_ms", SqliteType.Integer);
        _type = Add("$type", SqliteType.Text);
        _prevHash = Add("$prev_hash", SqliteType.Text);
        _payloadDigest = Add("$payload_digest", SqliteType.Text);
        _hash = Add("$hash", SqliteType.Text);
        _payload = Add("$payload", SqliteType.Text);
        _app = Add("$app", SqliteType.Text);
        _subjectId = Add("$subject_id", SqliteType.Text);
        _sessionId = Add("$session_id", SqliteType.Text);
        _action = Add("$action", SqliteType.Text);
        _outcome = Add("$outcome", SqliteType.Text);
        _ip = Add("$ip", SqliteType.Text);
        _rollup = _connection.CreateCommand();
        _rollup.CommandText =
            "INSERT INTO audit_rollups (hour, key, count) VALUES ($hour, $key, $count) " +
            "ON CONFLICT (hour, key) DO UPDATE SET count = count + excluded.count;";
        _rollup.Parameters.Add("$hour", SqliteType.Integer);
        _rollup.Parameters.Add("$key", SqliteType.Text);
        _rollup.Parameters.Add("$count", SqliteType.Integer);
        _readHead.Prepare();
        _insert.Prepare();
        _rollup.Prepare();
    }

    private SqliteParameter Add(string name, SqliteType type) => _insert.Parameters.Add(name, type);

    private void DisposeCommands()
    {
        _insert.Dispose();
        _readHead.Dispose();
        _rollup.Dispose();
    }

    private AuditEvent[][] Commit(IReadOnlyList<PendingAppend> batch)
    {
        // BEGIN IMMEDIATE: the write lock is held from the head read to the commit, so another
        // process writing the same file (e.g. the CLI) cannot interleave and fork the chain.
        using var transaction = _connection.BeginTransaction(deferred: false);
        _readHead.Transaction = transaction;
        _insert.Transaction = transaction;
        _rollup.Transaction = transaction;

        long seq = 0;
        var prevHash = AuditChain.GenesisHash;
        var time = AuditTime.Truncate(TimeProvider.GetUtcNow());
        using (var head = _readHead.ExecuteReader())
        {
            if (head.Read())
            {
                seq = head.GetInt64(0);
                prevHash = head.GetString(1);
                // time never goes backwards along the chain, even if the clock does.
                var headTime = DateTimeOffset.FromUnixTimeMilliseconds(head.GetInt64(2));
                if (headTime > time)
                {
                    time = headTime;
                }
            }
        }

        var timeText = AuditTime.ToText(time);
        _time.Value = timeText;
        _timeMs.Value = time.ToUnixTimeMilliseconds();

        var rollup = new Dictionary<string, int>(StringComparer.Ordinal);
        var results = new AuditEvent[batch.Count][];
        for (var i = 0; i < batch.Count; i++)
        {
            var drafts = batch[i].Drafts;
            var events = new AuditEvent[drafts.Length];
            for (var j = 0; j < drafts.Length; j++)
            {
                var prepared = drafts[j];
                var draft = prepared.Draft;
                seq++;
                var id = draft.Id ?? EventId.New(time);
                var hash = AuditChain.Hash(seq, id, time, draft.Type, prevHash, prepared.PayloadDigest);

                _seq.Value = seq;
                _id.Value = id;
                _type.Value = draft.Type;
                _prevHash.Value = prevHash;
                _payloadDigest.Value = prepared.PayloadDigest;
                _hash.Value = hash;
                _payload.Value = prepared.PayloadText;
                _app.Value = (object?)prepared.Index.App ?? DBNull.Value;
                _subjectId.Value = (object?)prepared.Index.SubjectId ?? DBNull.Value;
                _sessionId.Value = (object?)prepared.Index.SessionId ?? DBNull.Value;
                _action.Value = (object?)prepared.Index.Action ?? DBNull.Value;
                _outcome.Value = (object?)prepared.Index.Outcome ?? DBNull.Value;
                _ip.Value = (object?)prepared.Index.Ip ?? DBNull.Value;
                _insert.ExecuteNonQuery();
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

        // The overview's hourly counters, in the same transaction as the events they count.
        _rollup.Parameters["$hour"].Value = AuditRollup.Hour(time);
        foreach (var (key, count) in rollup)
        {
            _rollup.Parameters["$key"].Value = key;
            _rollup.Parameters["$count"].Value = count;
            _rollup.ExecuteNonQuery();
        }

        transaction.Commit();
        return results;
    }
}
