using Npgsql;
using StepUp.Storage.Keys;
using StepUp.Storage.Postgres;
using StepUp.Storage.Postgres.Risk;
using StepUp.Storage.Postgres.StepUps;
using StepUp.Storage.Risk;
using StepUp.Storage.Sinks;
using StepUp.Storage.StepUps;
using StepUp.Storage.Tests.Postgres;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>
/// A new database on the test server per test (as SQLite gets a new file), dropped afterwards; a
/// node is another <see cref="PostgresDatabase"/> (its own pool) on that database.
/// </summary>
public sealed class PostgresStoreProvider : IStoreProvider
{
    public async Task<StoreDatabase> CreateAsync(TimeProvider clock)
    {
        var server = new PostgresTestDatabase();
        await server.InitializeAsync();
        try
        {
            return new PostgresStoreDatabase(await server.OpenAsync(clock), clock, server);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The PostgreSQL stores of one node; the first node owns (and at the end drops) the database.</summary>
public sealed class PostgresStoreDatabase(PostgresDatabase database, TimeProvider clock, PostgresTestDatabase server, bool owner = true) : StoreDatabase
{
    public PostgresDatabase Database => database;

    public override string Provider => "postgres";

    public override ISubjectStore Subjects { get; } = new PostgresSubjectStore(database);

    public override IFactorStore Factors { get; } = new PostgresFactorStore(database);

    public override IChallengeStore Challenges { get; } = new PostgresChallengeStore(database);

    public override IElevationStore Elevations { get; } = new PostgresElevationStore(database);

    public override IEnrollmentStore Enrollments { get; } = new PostgresEnrollmentStore(database);

    public override IApiKeyStore ApiKeys { get; } = new PostgresApiKeyStore(database, clock);

    public override ISigningKeyStore SigningKeys { get; } = new PostgresSigningKeyStore(database, clock);

    public override ISinkDeliveryStore Sinks { get; } = new PostgresSinkDeliveryStore(database);

    public override IRiskProfileStore RiskProfiles { get; } = new PostgresRiskProfileStore(database);

    public override async Task<StoreDatabase> OpenNodeAsync() =>
        new PostgresStoreDatabase(await server.OpenAsync(clock), clock, server, owner: false);

    public override async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        if (owner)
        {
            await server.DisposeAsync();
        }
    }
}
