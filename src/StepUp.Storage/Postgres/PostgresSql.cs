using Npgsql;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

/// <summary>Small helpers for the PostgreSQL stores: one statement per call on a pooled connection.</summary>
internal static class PostgresSql
{
    /// <summary>SQLSTATE of a unique (or primary key) violation.</summary>
    public const string UniqueViolation = PostgresErrorCodes.UniqueViolation;

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection. A failure of the connection rather than
    /// of the statement (see <see cref="PostgresAuditConnections.IsUnavailable"/>) clears the pool,
    /// whose idle connections all died if the server restarted, and becomes a
    /// <see cref="StorageUnavailableException"/> (503). Only idempotent reads are retried, once, on
    /// a fresh connection: a write whose commit acknowledgement was lost must not run twice (a
    /// retried "complete this challenge" would report the race it won as lost).
    /// </summary>
    public static async Task<T> RunAsync<T>(PostgresDatabase database, bool idempotent, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                return await work(connection);
            }
            catch (Exception ex) when (PostgresAuditConnections.IsUnavailable(ex))
            {
                PostgresAuditConnections.Reset(database);
                if (!idempotent || attempt > 1)
                {
                    throw PostgresAuditConnections.Unavailable(idempotent ? "a read of the StepUp state failed" : "a change of the StepUp state failed", ex);
                }
            }
        }
    }

    /// <summary>One changing statement (not retried); returns the number of rows it changed.</summary>
    public static Task<int> ExecuteAsync(PostgresDatabase database, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        RunAsync(database, idempotent: false, async connection =>
        {
            await using var command = Command(connection, null, sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>One changing statement with <c>RETURNING</c> (not retried); returns the rows it changed.</summary>
    public static Task<List<T>> QueryAsync<T>(PostgresDatabase database, string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        RunAsync(database, idempotent: false, connection => QueryAsync(connection, null, sql, map, cancellationToken, parameters), cancellationToken);

    /// <summary>One <c>SELECT</c> (retried once after a connection failure).</summary>
    public static Task<List<T>> ReadAsync<T>(PostgresDatabase database, string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        RunAsync(database, idempotent: true, connection => QueryAsync(connection, null, sql, map, cancellationToken, parameters), cancellationToken);

    public static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>
    /// A time as stored: UTC at millisecond precision, like SQLite's text and epoch-ms columns, so
    /// that comparisons with <c>now</c> agree between the providers.
    /// </summary>
    public static DateTimeOffset Time(DateTimeOffset time) => AuditTime.Truncate(time);

    /// <inheritdoc cref="Time(DateTimeOffset)"/>
    public static object? Time(DateTimeOffset? time) => time is { } value ? AuditTime.Truncate(value) : null;

    public static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableLong(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static int? NullableInt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static bool? NullableBool(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetBoolean(ordinal);

    public static byte[]? NullableBytes(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<byte[]>(ordinal);

    public static string[] Strings(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<string[]>(ordinal);

    public static string[] TextArray(IReadOnlyList<string> items) => items as string[] ?? [.. items];
}
