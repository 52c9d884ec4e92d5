using Microsoft.Data.Sqlite;

namespace StepUp.Storage.Sqlite;

/// <summary>
/// Turns a time window into a seq window. The writer never lets <c>time</c> go backwards along the
/// chain, so the events with <c>since ≤ time &lt; until</c> are exactly those with
/// <c>From ≤ seq &lt; Before</c>; bounding seq lets every <c>(column, seq)</c> index seek straight to
/// the window instead of filtering by time. Each bound is one lookup in <c>ix_audit_events_time_ms</c>.
/// </summary>
internal readonly record struct SqliteSeqWindow(long From, long? Before)
{
    /// <summary>True when no event can be in the window.</summary>
    public bool IsEmpty => Before is { } before && before <= From;

    public static async Task<SqliteSeqWindow> FindAsync(SqliteConnection connection, DateTimeOffset? since, DateTimeOffset? until, CancellationToken cancellationToken)
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

        return new SqliteSeqWindow(from, before);
    }

    private static async Task<long?> FirstSeqAtOrAfterAsync(SqliteConnection connection, DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM audit_events WHERE time_ms >= $t ORDER BY time_ms, seq LIMIT 1;";
        command.Parameters.AddWithValue("$t", time.ToUnixTimeMilliseconds());
        return await command.ExecuteScalarAsync(cancellationToken) is long seq ? seq : null;
    }
}
