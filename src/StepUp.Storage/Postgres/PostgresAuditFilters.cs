using System.Text;
using Npgsql;

namespace StepUp.Storage.Postgres;

/// <summary>The <see cref="AuditQuery"/> filters as SQL, shared by the page and forward readers.</summary>
internal static class PostgresAuditFilters
{
    /// <summary>Appends the exact-match column filters and the <c>since ≤ time &lt; until</c> bounds.</summary>
    public static void Append(NpgsqlCommand command, StringBuilder sql, AuditQuery query)
    {
        Column(command, sql, "type", query.Type);
        Column(command, sql, "subject_id", query.Subject);
        Column(command, sql, "session_id", query.Session);
        Column(command, sql, "action", query.Action);
        Column(command, sql, "outcome", query.Outcome);
        Column(command, sql, "ip", query.Ip);
        Column(command, sql, "app", query.App);
        if (query.Since is { } since)
        {
            // Kept beside the seq window: the window is the fast path, this is the definition.
            sql.Append(" AND time_ms >= @since");
            command.Parameters.AddWithValue("since", since.ToUnixTimeMilliseconds());
        }

        if (query.Until is { } until)
        {
            sql.Append(" AND time_ms < @until");
            command.Parameters.AddWithValue("until", until.ToUnixTimeMilliseconds());
        }
    }

    private static void Column(NpgsqlCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = @").Append(column);
        command.Parameters.AddWithValue(column, value);
    }
}
