using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

/// <summary>
/// Forward reads of the SQLite audit chain for export and the live stream: keyset chunks by seq on a
/// pooled connection. A filter on a column uses that column's <c>(column, seq)</c> index; a time window
/// becomes a seq window (<see cref="SqliteSeqWindow"/>).
/// </summary>
public sealed class SqliteAuditForwardReader : IAuditForwardReader
{
    private const int ChunkSize = 500;

    private readonly SqliteDatabase _database;

    public SqliteAuditForwardReader(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditEvent> ReadForwardAsync(AuditQuery filter, long afterSeq, long throughSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (throughSeq <= afterSeq)
        {
            yield break;
        }

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        if (filter.Since is not null || filter.Until is not null)
        {
            var window = await SqliteSeqWindow.FindAsync(connection, filter.Since, filter.Until, cancellationToken);
            if (window.IsEmpty || window.From == long.MaxValue)
            {
                yield break;
            }

            afterSeq = Math.Max(afterSeq, window.From - 1);
            if (window.Before is { } before)
            {
                throughSeq = Math.Min(throughSeq, before - 1);
            }

            if (throughSeq <= afterSeq)
            {
                yield break;
            }
        }

        await using var command = connection.CreateCommand();
        var after = Prepare(command, filter, throughSeq);
        var next = afterSeq;
        while (true)
        {
            after.Value = next;
            var rows = 0;
            // Each chunk is its own short read, so a long export does not pin one WAL snapshot.
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    next = reader.GetInt64(0);
                    yield return SqliteAuditRows.Read(reader);
                }
            }

            if (rows < ChunkSize)
            {
                yield break;
            }
        }
    }

    /// <summary>Sets the chunk query's text and parameters; returns the <c>$after</c> parameter the caller moves.</summary>
    internal static SqliteParameter Prepare(SqliteCommand command, AuditQuery filter, long throughSeq)
    {
        var sql = new StringBuilder("SELECT ").Append(SqliteAuditRows.Columns)
            .Append(" FROM audit_events WHERE seq > $after AND seq <= $through");
        Filter(command, sql, "type", "$type", filter.Type);
        Filter(command, sql, "subject_id", "$subject", filter.Subject);
        Filter(command, sql, "session_id", "$session", filter.Session);
        Filter(command, sql, "action", "$action", filter.Action);
        Filter(command, sql, "outcome", "$outcome", filter.Outcome);
        Filter(command, sql, "ip", "$ip", filter.Ip);
        Filter(command, sql, "app", "$app", filter.App);
        if (filter.Since is { } since)
        {
            // Kept beside the seq window: the window is the fast path, this is the definition.
            sql.Append(" AND time_ms >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        if (filter.Until is { } until)
        {
            sql.Append(" AND time_ms < $until");
            command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        }

        sql.Append(" ORDER BY seq LIMIT ").Append(ChunkSize).Append(';');
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("$through", throughSeq);
        return command.Parameters.Add("$after", SqliteType.Integer);
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
