using Npgsql;
using StepUp.Storage.Postgres;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>
/// A fresh database on the PostgreSQL server that <c>scripts/test.sh</c> starts (connection string
/// in <c>STEPUP_TEST_POSTGRES</c>), created per fixture and dropped afterwards. Fails loudly, never
/// skips, when no server is configured.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    public const string ServerVariable = "STEPUP_TEST_POSTGRES";

    private readonly string _name = "stepup_test_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>The connection string of the fresh database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The server's connection string (the maintenance database).</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set: run the tests with scripts/test.sh, which starts a PostgreSQL server " +
                "(or set it to a server's connection string, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres)");

    public async ValueTask InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _name, Pooling = true }.ConnectionString;
    }

    /// <summary>Opens (and migrates) the database as a StepUp node would.</summary>
    public Task<PostgresDatabase> OpenAsync(TimeProvider? time = null) => PostgresDatabase.OpenAsync(ConnectionString, time ?? TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
