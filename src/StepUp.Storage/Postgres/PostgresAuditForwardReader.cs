using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

/// <summary>
/// Forward reads of the PostgreSQL audit chain for export and the live stream: keyset chunks by seq,
/// each read whole on a pooled connection that goes back to the pool before the chunk is yielded.
/// A filter on a column uses that column's <c>(column, seq)</c> index; a time window becomes a seq
/// window (<see cref="PostgresAuditSeqWindow"/>).
/// </summary>
public sealed class PostgresAuditForwardReader : IAuditForwardReader
{
    private const int ChunkSize = 500;

    private readonly PostgresDatabase _database;

    public PostgresAuditForwardReader(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL cannot be reached (during enumeration).</exception>
    public async IAsyncEnumerable<AuditEvent> ReadForwardAsync(AuditQuery filter, long afterSeq, long throughSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (throughSeq <= afterSeq)
        {
            yield break;
        }

        if (filter.Since is not null || filter.Until is not null)
        {
            var window = await PostgresAuditConnections.ReadAsync(_database,
                (connection, ct) => PostgresAuditSeqWindow.FindAsync(connection, filter.Since, filter.Until, ct), cancellationToken);
            if (window.IsEmpty)
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

        var next = afterSeq;
        while (true)
        {
            var after = next;
            var chunk = await PostgresAuditConnections.ReadAsync(_database, async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand { Connection = connection };
                var sql = new StringBuilder("SELECT ").Append(PostgresAuditRows.Columns)
                    .Append(" FROM audit_events WHERE seq > @after AND seq <= @through");
                command.Parameters.AddWithValue("after", after);
                command.Parameters.AddWithValue("through", throughSeq);
                PostgresAuditFilters.Append(command, sql, filter);
                sql.Append(" ORDER BY seq LIMIT ").Append(ChunkSize);
                command.CommandText = sql.ToString();
                return await PostgresAuditRows.ReadAllAsync(command, ChunkSize, ct);
            }, cancellationToken);

            foreach (var evt in chunk)
            {
                yield return evt;
            }

            if (chunk.Count < ChunkSize)
            {
                yield break;
            }

            next = chunk[^1].Seq;
        }
    }
}
