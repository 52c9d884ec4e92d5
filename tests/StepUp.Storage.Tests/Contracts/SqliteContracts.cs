using System.Text;
using Microsoft.Data.Sqlite;
using StepUp.Core.Security;

namespace StepUp.Storage.Tests.Contracts;

// The store contracts run against SQLite: a new database file per test.

public sealed class SqliteSubjectStoreTests(TempDirectory temp) : SubjectStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteFactorStoreTests(TempDirectory temp) : FactorStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteChallengeStoreTests(TempDirectory temp) : ChallengeStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteElevationStoreTests(TempDirectory temp) : ElevationStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteEnrollmentStoreTests(TempDirectory temp) : EnrollmentStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteRiskProfileStoreTests(TempDirectory temp) : RiskProfileStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteSinkDeliveryStoreTests(TempDirectory temp) : SinkDeliveryStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteMultiNodeTests(TempDirectory temp) : MultiNodeContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>;

public sealed class SqliteSigningKeyStoreTests(TempDirectory temp) : SigningKeyStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>
{
    [Fact]
    public async Task Migration2_IsApplied()
    {
        var database = (SqliteStoreDatabase)await OpenAsync();

        Assert.True(database.Database.SchemaVersion >= 2);
        Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM schema_migrations WHERE version = 2;"));
    }
}

public sealed class SqliteApiKeyStoreTests(TempDirectory temp) : ApiKeyStoreContract(new SqliteStoreProvider(temp)), IClassFixture<TempDirectory>
{
    [Fact]
    public async Task CreateAsync_StoresTheDigest_NeverTheSecret_InTheFile()
    {
        var (store, _, database) = await NewStoreAsync();
        var secrets = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            secrets.Add((await store.CreateAsync($"k{i}", "default", ApiKeyScopes.All, Ct)).Secret);
        }

        SqliteConnection.ClearAllPools();
        var path = ((SqliteStoreDatabase)database).Path;
        var bytes = File.ReadAllBytes(path).Concat(File.Exists(path + "-wal") ? File.ReadAllBytes(path + "-wal") : []).ToArray();

        Assert.All(secrets, secret =>
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret[8..])));
            Assert.NotEqual(-1, bytes.AsSpan().IndexOf(DigestOf(secret)));
        });
    }
}
