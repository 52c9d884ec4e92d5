using Microsoft.Data.Sqlite;
using StepUp.Storage.Keys;
using StepUp.Storage.Risk;
using StepUp.Storage.Sinks;
using StepUp.Storage.Sqlite;
using StepUp.Storage.Sqlite.Risk;
using StepUp.Storage.Sqlite.StepUps;
using StepUp.Storage.StepUps;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>A new database file per test in the class's temporary directory; a node is another <see cref="SqliteDatabase"/> on the file.</summary>
public sealed class SqliteStoreProvider(TempDirectory temp) : IStoreProvider
{
    public Task<StoreDatabase> CreateAsync(TimeProvider clock)
    {
        var path = temp.NewDatabasePath();
        return Task.FromResult<StoreDatabase>(new SqliteStoreDatabase(temp.OpenDatabase(clock, path), path, clock, temp));
    }
}

/// <summary>The SQLite stores on one database file.</summary>
public sealed class SqliteStoreDatabase(SqliteDatabase database, string path, TimeProvider clock, TempDirectory temp) : StoreDatabase
{
    public SqliteDatabase Database => database;

    public string Path => path;

    public override string Provider => "sqlite";

    public override ISubjectStore Subjects { get; } = new SqliteSubjectStore(database);

    public override IFactorStore Factors { get; } = new SqliteFactorStore(database);

    public override IChallengeStore Challenges { get; } = new SqliteChallengeStore(database);

    public override IElevationStore Elevations { get; } = new SqliteElevationStore(database);

    public override IEnrollmentStore Enrollments { get; } = new SqliteEnrollmentStore(database);

    public override IApiKeyStore ApiKeys { get; } = new SqliteApiKeyStore(database, clock);

    public override ISigningKeyStore SigningKeys { get; } = new SqliteSigningKeyStore(database, clock);

    public override ISinkDeliveryStore Sinks { get; } = new SqliteSinkDeliveryStore(database);

    public override IRiskProfileStore RiskProfiles { get; } = new SqliteRiskProfileStore(database);

    public override Task<StoreDatabase> OpenNodeAsync() =>
        Task.FromResult<StoreDatabase>(new SqliteStoreDatabase(temp.OpenDatabase(clock, path), path, clock, temp));

    public override async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = RawSql.Open(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = RawSql.Open(database);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearPool(new SqliteConnection(database.ConnectionString));
        return ValueTask.CompletedTask;
    }
}
