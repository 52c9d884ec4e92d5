using Microsoft.Data.Sqlite;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests;

/// <summary>Plain SQL on the test database, bypassing the code under test (to inspect and to tamper).</summary>
internal static class RawSql
{
    public static SqliteConnection Open(SqliteDatabase database)
    {
        var connection = new SqliteConnection(database.ConnectionString);
        connection.Open();
        return connection;
    }

    public static int Execute(SqliteDatabase database, string sql)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteDatabase database, string sql)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public sealed record AuditRow(long Seq, string Id, string Time, long TimeMs, string Type, string PrevHash, string PayloadDigest, string Hash, string? Payload, long Erased);

    public static List<AuditRow> AuditRows(SqliteDatabase database)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, time, time_ms, type, prev_hash, payload_digest, hash, payload, erased FROM audit_events ORDER BY seq;";
        using var reader = command.ExecuteReader();
        var rows = new List<AuditRow>();
        while (reader.Read())
        {
            rows.Add(new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetInt64(9)));
        }

        return rows;
    }
}
