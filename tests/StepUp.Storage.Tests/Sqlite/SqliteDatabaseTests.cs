using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Sqlite;

public sealed class SqliteDatabaseTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    [Fact]
    public void Open_CreatesTheParentDirectory_AndTheSchema_InWalMode()
    {
        var path = temp.NewDatabasePath(Path.Combine("nested", "deeper"));

        var database = temp.OpenDatabase(path: path);

        Assert.True(File.Exists(path));
        Assert.Equal(SqliteMigrator.Scripts[^1].Version, database.SchemaVersion);
        Assert.Equal("wal", RawSql.Scalar(database, "PRAGMA journal_mode;"));
        Assert.Equal(1L, RawSql.Scalar(database, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_events'"));
        Assert.Equal(1L, RawSql.Scalar(database, "SELECT count(*) FROM sqlite_master WHERE name = 'api_keys'"));
    }

    [Fact]
    public void Open_AppliesMigrationsOnce()
    {
        var path = temp.NewDatabasePath();

        temp.OpenDatabase(path: path);
        var again = temp.OpenDatabase(path: path);

        Assert.Equal((long)SqliteMigrator.Scripts.Count, RawSql.Scalar(again, "SELECT count(*) FROM schema_migrations"));
        Assert.Equal("2026-11-22T08:00:00.000Z", RawSql.Scalar(again, "SELECT applied_at FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public void Open_RefusesASchemaFromANewerStepUp()
    {
        var path = temp.NewDatabasePath();
        var database = temp.OpenDatabase(path: path);
        RawSql.Execute(database, "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x');");

        var error = Assert.Throws<InvalidOperationException>(() => temp.OpenDatabase(path: path));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrations_AreEmbeddedAndOrdered()
    {
        var scripts = SqliteMigrator.Scripts;

        Assert.Equal(1, scripts[0].Version);
        Assert.Equal("0001_initial.sql", scripts[0].Name);
        Assert.Contains("CREATE TABLE audit_events", scripts[0].Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_IsTrueForAHealthyDatabase_AndFalseWithoutSchema()
    {
        var database = temp.OpenDatabase();
        Assert.True(await database.CheckAsync(TestContext.Current.CancellationToken));

        RawSql.Execute(database, "DROP TABLE schema_migrations;");

        Assert.False(await database.CheckAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Connections_UseFullSynchronousMode_AndForeignKeys()
    {
        var database = temp.OpenDatabase();
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();

        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(2L, command.ExecuteScalar()); // FULL
        command.CommandText = "PRAGMA foreign_keys;";
        Assert.Equal(1L, command.ExecuteScalar());
        command.CommandText = "PRAGMA busy_timeout;";
        Assert.Equal(5000L, command.ExecuteScalar());
    }
}
