using Npgsql;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>Migrations on a real PostgreSQL server: applied once, even when several nodes start together.</summary>
public sealed class PostgresMigratorTests(PostgresTestDatabase postgres) : IClassFixture<PostgresTestDatabase>
{
    [Fact]
    public async Task NodesStartingTogether_ApplyEachMigrationOnce_AndAgreeOnTheVersion()
    {
        var nodes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => postgres.OpenAsync()));
        try
        {
            Assert.Single(nodes.Select(n => n.SchemaVersion).Distinct());
            Assert.True(nodes[0].SchemaVersion > 0);
            await using var connection = await nodes[0].OpenConnectionAsync();
            await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
            await using var reader = await count.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
            Assert.True(await nodes[0].CheckAsync());
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
