using Npgsql;

namespace StepUp.Storage.Postgres;

/// <summary>
/// The PostgreSQL store (<c>StepUp:Storage:Provider=postgres</c>): one pooled
/// <see cref="NpgsqlDataSource"/> shared by every store of a node, <c>synchronous_commit=on</c> on
/// every connection (an acknowledged commit is durable), and the schema migrated at start under an
/// advisory lock, so several nodes starting together apply each migration exactly once.
/// </summary>
public sealed class PostgresDatabase : IStorageHealth, IAsyncDisposable
{
    private PostgresDatabase(NpgsqlDataSource dataSource)
    {
        DataSource = dataSource;
    }

    /// <summary>The pooled data source; prefer <see cref="OpenConnectionAsync"/>.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Schema version after start-up (the highest applied migration).</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>Connects and applies pending migrations (waiting for another node that is migrating).</summary>
    /// <exception cref="NpgsqlException">The server cannot be reached or a migration fails.</exception>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer StepUp.</exception>
    public static async Task<PostgresDatabase> OpenAsync(string connectionString, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.Options = (builder.ConnectionStringBuilder.Options + " -c synchronous_commit=on").Trim();
        builder.ConnectionStringBuilder.ApplicationName ??= "stepup";
        var database = new PostgresDatabase(builder.Build());
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            database.SchemaVersion = await PostgresMigrator.ApplyAsync(connection, timeProvider, cancellationToken);
            return database;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // Unreachable server, failed or newer migration: nothing may keep the pool open.
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Synchronous <see cref="OpenAsync"/> for composition roots that cannot await.</summary>
    public static PostgresDatabase Open(string connectionString, TimeProvider timeProvider) =>
        OpenAsync(connectionString, timeProvider).GetAwaiter().GetResult();

    /// <summary>Opens a pooled connection.</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        DataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Readiness probe: true when the server answers a query against the schema.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM schema_migrations", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
