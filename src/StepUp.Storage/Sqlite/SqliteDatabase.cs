using Microsoft.Data.Sqlite;

namespace StepUp.Storage.Sqlite;

/// <summary>
/// The embedded SQLite store: one database file in WAL mode, every connection with
/// <c>synchronous=FULL</c> (an acknowledged commit is on disk), a busy timeout and foreign keys
/// on. <see cref="Open"/> creates the file's directory and applies pending migrations.
/// </summary>
public sealed class SqliteDatabase : IStorageHealth
{
    /// <summary>The default connection string (SPEC §8).</summary>
    public const string DefaultConnectionString = "Data Source=./data/stepup.db";

    private readonly string _connectionPragmas;

    private SqliteDatabase(string connectionString, TimeSpan busyTimeout)
    {
        ConnectionString = connectionString;
        _connectionPragmas =
            $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={(long)busyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON;";
    }

    /// <summary>The normalised connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>Schema version after start-up (the highest applied migration).</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>
    /// Opens (creating when needed) the database, switches it to WAL and applies pending migrations.
    /// </summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string; null or empty means <see cref="DefaultConnectionString"/>.</param>
    /// <param name="timeProvider">Clock for the migrations' <c>applied_at</c>.</param>
    /// <param name="busyTimeout">How long a connection waits for another writer's lock (default 5 s).</param>
    /// <exception cref="SqliteException">The file cannot be opened or a migration fails.</exception>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer StepUp.</exception>
    public static SqliteDatabase Open(string? connectionString, TimeProvider timeProvider, TimeSpan? busyTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString) ? DefaultConnectionString : connectionString);
        CreateParentDirectory(builder);
        var database = new SqliteDatabase(builder.ConnectionString, busyTimeout ?? TimeSpan.FromSeconds(5));
        using var connection = database.OpenConnection();
        using (var wal = connection.CreateCommand())
        {
            // journal_mode is stored in the file; WAL lets readers run beside the single writer.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteScalar();
        }

        database.SchemaVersion = SqliteMigrator.Apply(connection, timeProvider);
        return database;
    }

    /// <summary>Readiness probe: true when the database answers a query against its schema.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM schema_migrations;";
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (SqliteException)
        {
            // Not ready is an answer for /readyz, not an error; the cause shows in the server logs of the failing calls.
            return false;
        }
    }

    /// <summary>Opens a (pooled) connection with StepUp's per-connection pragmas.</summary>
    internal SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = _connectionPragmas;
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException)
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc cref="OpenConnection"/>
    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = _connectionPragmas;
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is SqliteException or OperationCanceledException)
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static void CreateParentDirectory(SqliteConnectionStringBuilder builder)
    {
        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory ||
            dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
