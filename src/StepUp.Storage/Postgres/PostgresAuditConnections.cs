using Npgsql;

namespace StepUp.Storage.Postgres;

/// <summary>
/// The one place where PostgreSQL connection failures become <see cref="StorageUnavailableException"/>:
/// which errors mean "the server cannot be reached", and how the audit stores recover from them
/// (drop the pool's idle connections, which a restarted server has closed, and reconnect).
/// </summary>
internal static class PostgresAuditConnections
{
    /// <summary>
    /// True for failures of the connection rather than of the statement: socket and timeout errors,
    /// SQLSTATE class 08 (connection exception), 57P01-57P03 (server shutting down or starting) and
    /// 53300 (too many connections). Constraint violations and other statement errors are false.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) ||
                                      postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                                          or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlOperationInProgressException => false,
        NpgsqlException => true,
        _ => false,
    };

    /// <summary>Forgets idle pooled connections: after a server restart they are all dead.</summary>
    public static void Reset(PostgresDatabase database) => database.DataSource.Clear();

    /// <summary>Wraps a connection failure for the caller.</summary>
    public static StorageUnavailableException Unavailable(string what, Exception cause) =>
        new($"PostgreSQL cannot be reached: {what} ({cause.Message})", cause);

    /// <summary>
    /// Runs a read on a pooled connection. A read is idempotent, so a connection failure is retried
    /// once on a fresh connection (a pooled one may predate a server restart); a second failure
    /// throws <see cref="StorageUnavailableException"/>.
    /// </summary>
    public static async Task<T> ReadAsync<T>(PostgresDatabase database, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                return await read(connection, cancellationToken);
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                Reset(database);
                if (attempt >= 2)
                {
                    throw Unavailable("the audit trail cannot be read", ex);
                }
            }
        }
    }

    /// <summary>
    /// Runs a write on a pooled connection. Retried once only when the server had ended the session
    /// before the write ran (SQLSTATE 57P01-57P03, what a pooled connection from before a restart
    /// answers): any other connection failure may have hit a commit whose acknowledgement was lost,
    /// so it throws <see cref="StorageUnavailableException"/> and the next call reconnects.
    /// </summary>
    public static async Task<T> WriteAsync<T>(PostgresDatabase database, Func<NpgsqlConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                return await write(connection, cancellationToken);
            }
            catch (PostgresException ex) when (attempt == 1 && IsSessionEnded(ex))
            {
                Reset(database);
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                Reset(database);
                throw Unavailable("the audit trail cannot be written", ex);
            }
        }
    }

    private static bool IsSessionEnded(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
}
