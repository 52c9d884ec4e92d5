using Npgsql;

namespace StepUp.Storage.Postgres;

/// <summary>
/// Turns a time window into a seq window. The appender never lets <c>time</c> go backwards along
/// the chain (it reads the tip's time under the chain lock), so the events with
/// <c>since ≤ time &lt; until</c> are exactly those with <c>From ≤ seq &lt; Before</c>; bounding seq
/// lets every <c>(column, seq)</c> index seek straight to the window. Each bound is one lookup in
/// <c>ix_audit_events_time_ms_seq</c>.
/// </summary>
internal readonly record struct PostgresAuditSeqWindow(long From, long? Before)
{
    /// <summary>True when no event can be in the window.</summary>
    public bool IsEmpty => From == long.MaxValue || (Before is { } before && before <= From);

    public static async Task<PostgresAuditSeqWindow> FindAsync(NpgsqlConnection connection, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        long from = 1;
        if (since is { } s)
        {
            // No event at or after `since`: an empty window.
            from = await FirstSeqAtOrAfterAsync(connection, s, cancellationToken) ?? long.MaxValue;
        }

        long? before = null;
        if (until is { } u)
        {
            before = await FirstSeqAtOrAfterAsync(connection, u, cancellationToken);
        }

        return new PostgresAuditSeqWindow(from, before);
    }

    private static async Task<long?> FirstSeqAtOrAfterAsync(NpgsqlConnection connection, DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT seq FROM audit_events WHERE time_ms >= $1 ORDER BY time_ms, seq LIMIT 1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = time.ToUnixTimeMilliseconds() });
        return await command.ExecuteScalarAsync(cancellationToken) is long seq ? seq : null;
    }
}
