using Npgsql;
using StepUp.Storage.Postgres.StepUps;
using StepUp.Storage.Tests.Contracts;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>
/// The state stores when the server drops every connection (as a restart does): reads reconnect
/// by themselves, a write in flight fails as <see cref="StorageUnavailableException"/> (503) and
/// is never repeated, and the next write works on a fresh connection.
/// </summary>
public sealed class PostgresStateConnectionTests(PostgresTestDatabase postgres) : IClassFixture<PostgresTestDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task DropEveryConnectionAsync()
    {
        await using var admin = new NpgsqlConnection(PostgresTestDatabase.ServerConnectionString);
        await admin.OpenAsync(Ct);
        await using var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", admin);
        kill.Parameters.AddWithValue("db", new NpgsqlConnectionStringBuilder(postgres.ConnectionString).Database!);
        await kill.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task AfterTheServerDropsItsConnections_ReadsRecover_AndAWriteFailsOnceAsUnavailable()
    {
        await using var database = await postgres.OpenAsync();
        var challenges = new PostgresChallengeStore(database);
        var elevations = new PostgresElevationStore(database);
        await challenges.AddAsync(StepUpSamples.Challenge("c1"), Ct);
        await elevations.AddAsync(StepUpSamples.Elevation("e1", once: true), Ct);

        await DropEveryConnectionAsync();
        Assert.NotNull(await challenges.GetAsync("c1", Ct));

        // Warm the pool with a connection the server then kills: the write on it is not retried.
        Assert.NotNull(await challenges.GetAsync("c1", Ct));
        await DropEveryConnectionAsync();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => elevations.ConsumeAsync("e1", TempDirectory.Epoch, Ct));
        Assert.True(error.IsTransient);

        Assert.True(await elevations.ConsumeAsync("e1", TempDirectory.Epoch, Ct));
        Assert.False(await elevations.ConsumeAsync("e1", TempDirectory.Epoch, Ct));
    }
}
