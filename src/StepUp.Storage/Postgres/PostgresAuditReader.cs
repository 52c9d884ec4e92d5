using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

/// <summary>
/// Reads the PostgreSQL audit chain on pooled connections. Long reads go in chunks, each on its own
/// short connection use, so a slow consumer holds neither a connection nor a snapshot.
/// </summary>
public sealed class PostgresAuditReader : IAuditReader
{
    private const int RangeChunkSize = 500;

    private readonly PostgresDatabase _database;

    public PostgresAuditReader(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
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

        var events = await PostgresAuditConnections.ReadAsync(_database, (connection, ct) => QueryPageAsync(connection, query, before, ct), cancellationToken);
        if (events.Count <= query.Limit)
        {
            return new AuditPage(events, null);
        }

        events.RemoveAt(events.Count - 1);
        return new AuditPage(events, AuditCursor.Encode(events[^1].Seq));
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached (during enumeration).</exception>
    public async IAsyncEnumerable<AuditEvent> ReadRangeAsync(long fromSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = Math.Max(1, fromSeq);
        while (true)
        {
            var from = next;
            var chunk = await PostgresAuditConnections.ReadAsync(_database, async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand($"SELECT {PostgresAuditRows.Columns} FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT {RangeChunkSize}", connection);
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
                return await PostgresAuditRows.ReadAllAsync(command, RangeChunkSize, ct);
            }, cancellationToken);

            foreach (var evt in chunk)
            {
                yield return evt;
            }

            if (chunk.Count < RangeChunkSize)
            {
                yield break;
            }

            next = chunk[^1].Seq + 1;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached.</exception>
    public Task<AuditHead> GetHeadAsync(CancellationToken cancellationToken = default) =>
        PostgresAuditConnections.ReadAsync(_database, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT seq, hash, time FROM audit_events ORDER BY seq DESC LIMIT 1", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return AuditHead.Empty;
            }

            return new AuditHead(reader.GetInt64(0), reader.GetString(1), AuditTime.TryParse(reader.GetString(2), out var time) ? time : null);
        }, cancellationToken);

    private static async Task<List<AuditEvent>> QueryPageAsync(NpgsqlConnection connection, AuditQuery query, long? before, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT ").Append(PostgresAuditRows.Columns).Append(" FROM audit_events WHERE true");
        PostgresAuditFilters.Append(command, sql, query);
        if (query.Since is not null || query.Until is not null)
        {
            // The same window as a seq range, so (subject_id, seq) and the other (column, seq) indexes
            // seek straight to it: subject + time queries stay fast at millions of events.
            var window = await PostgresAuditSeqWindow.FindAsync(connection, query.Since, query.Until, cancellationToken);
            if (window.IsEmpty)
            {
                return [];
            }

            sql.Append(" AND seq >= @window_from");
            command.Parameters.AddWithValue("window_from", window.From);
            if (window.Before is { } windowBefore)
            {
                sql.Append(" AND seq < @window_before");
                command.Parameters.AddWithValue("window_before", windowBefore);
            }
        }

        if (before is { } seq)
        {
            sql.Append(" AND seq < @before");
            command.Parameters.AddWithValue("before", seq);
        }

        // One row more than asked tells whether another page exists.
        sql.Append(" ORDER BY seq DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", query.Limit + 1);
        command.CommandText = sql.ToString();
        return await PostgresAuditRows.ReadAllAsync(command, Math.Min(query.Limit + 1, 128), cancellationToken);
    }
}
