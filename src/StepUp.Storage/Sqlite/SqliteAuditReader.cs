using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

/// <summary>Reads the SQLite audit chain on pooled connections, beside the single writer (WAL).</summary>
public sealed class SqliteAuditReader : IAuditReader
{
    private const int RangeChunkSize = 500;

    private readonly SqliteDatabase _database;

    public SqliteAuditReader(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new InvalidAuditQueryException($"limit must be between 1 and {AuditQuery.MaxLimit}.", "limit");
        }

        long? before = null;
        if (query.Cursor is not null)
        {
            if (!AuditCursor.TryDecode(query.Cursor, out var cursorSeq))
            {
                throw new InvalidAuditQueryException("cursor is malformed; pass next_cursor from a previous page unchanged.", "cursor");
            }

            before = cursorSeq;
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ").Append(SqliteAuditRows.Columns).Append(" FROM audit_events WHERE 1 = 1");
        Filter(command, sql, "type", "$type", query.Type);
        Filter(command, sql, "subject_id", "$subject", query.Subject);
        Filter(command, sql, "session_id", "$session", query.Session);
        Filter(command, sql, "action", "$action", query.Action);
        Filter(command, sql, "outcome", "$outcome", query.Outcome);
        Filter(command, sql, "ip", "$ip", query.Ip);
        Filter(command, sql, "app", "$app", query.App);
        if (query.Since is { } since)
        {
            sql.Append(" AND time_ms >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            sql.Append(" AND time_ms < $until");
            command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        }

        if (query.Since is not null || query.Until is not null)
        {
            // The same window as a seq range, so (subject_id, seq) and the other (column, seq) indexes
            // seek straight to it: subject + time queries stay fast at millions of events.
            var window = await SqliteSeqWindow.FindAsync(connection, query.Since, query.Until, cancellationToken);
            sql.Append(" AND seq >= $window_from");
            command.Parameters.AddWithValue("$window_from", window.From);
            if (window.Before is { } windowBefore)
            {
                sql.Append(" AND seq < $window_before");
                command.Parameters.AddWithValue("$window_before", windowBefore);
            }
        }

        if (before is { } seq)
        {
            sql.Append(" AND seq < $before");
            command.Parameters.AddWithValue("$before", seq);
        }

        // One row more than asked tells whether another page exists.
        sql.Append(" ORDER BY seq DESC LIMIT $limit;");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var events = new List<AuditEvent>(Math.Min(query.Limit + 1, 128));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(SqliteAuditRows.Read(reader));
            }
        }

        if (events.Count <= query.Limit)
        {
            return new AuditPage(events, null);
        }

        events.RemoveAt(events.Count - 1);
        return new AuditPage(events, AuditCursor.Encode(events[^1].Seq));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEvent> ReadRangeAsync(long fromSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SqliteAuditRows.Columns} FROM audit_events WHERE seq >= $from ORDER BY seq LIMIT {RangeChunkSize};";
        var from = command.Parameters.Add("$from", SqliteType.Integer);
        var next = Math.Max(1, fromSeq);
        while (true)
        {
            from.Value = next;
            var rows = 0;
            // Each chunk is its own short read, so a long export does not pin one WAL snapshot.
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    next = reader.GetInt64(0) + 1;
                    yield return SqliteAuditRows.Read(reader);
                }
            }

            if (rows < RangeChunkSize)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<AuditHead> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, hash, time FROM audit_events ORDER BY seq DESC LIMIT 1;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return AuditHead.Empty;
        }

        return new AuditHead(reader.GetInt64(0), reader.GetString(1), AuditTime.TryParse(reader.GetString(2), out var time) ? time : null);
    }

    private static void Filter(SqliteCommand command, StringBuilder sql, string column, string parameter, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = ").Append(parameter);
        command.Parameters.AddWithValue(parameter, value);
    }
}
