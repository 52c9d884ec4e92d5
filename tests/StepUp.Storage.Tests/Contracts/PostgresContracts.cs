using StepUp.Core.Challenges;
using StepUp.Core.Security;

namespace StepUp.Storage.Tests.Contracts;

// The store contracts run against the PostgreSQL server of scripts/test.sh: a new database per test.

public sealed class PostgresSubjectStoreTests() : SubjectStoreContract(new PostgresStoreProvider());

public sealed class PostgresFactorStoreTests() : FactorStoreContract(new PostgresStoreProvider());

public sealed class PostgresChallengeStoreTests() : ChallengeStoreContract(new PostgresStoreProvider());

public sealed class PostgresElevationStoreTests() : ElevationStoreContract(new PostgresStoreProvider());

public sealed class PostgresEnrollmentStoreTests() : EnrollmentStoreContract(new PostgresStoreProvider());

public sealed class PostgresRiskProfileStoreTests() : RiskProfileStoreContract(new PostgresStoreProvider());

public sealed class PostgresSinkDeliveryStoreTests() : SinkDeliveryStoreContract(new PostgresStoreProvider());

public sealed class PostgresMultiNodeTests() : MultiNodeContract(new PostgresStoreProvider())
{
    // Stronger than SQLite today (its store reads the challenge back in a second statement, so a
    // concurrent caller may see a later count): each caller gets the row its own update wrote.
    [Fact]
    public async Task WrongAnswersFromBothNodes_EachSeeTheirOwnAttempt()
    {
        var (a, b) = await TwoNodesAsync();
        await a.Challenges.AddAsync(StepUpSamples.Challenge("c", maxAttempts: 5), Ct);

        var results = await RaceAsync(a, b, node => node.Challenges.RecordFailureAsync("c", Now, Ct), count: 12);

        var counted = results.Where(r => r is not null).Select(r => r!).ToList();
        Assert.Equal([1, 2, 3, 4, 5], counted.Select(r => r.Attempts).Order());
        Assert.Equal(ChallengeStatus.Locked, Assert.Single(counted, r => r.Status != ChallengeStatus.Pending).Status);
        Assert.Equal(5, Assert.Single(counted, r => r.Status == ChallengeStatus.Locked).Attempts);
    }
}

public sealed class PostgresSigningKeyStoreTests() : SigningKeyStoreContract(new PostgresStoreProvider())
{
    [Fact]
    public async Task StateMigration_IsApplied()
    {
        var database = (PostgresStoreDatabase)await OpenAsync();

        Assert.True(database.Database.SchemaVersion >= 2);
        Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM schema_migrations WHERE version = 2"));
    }
}

public sealed class PostgresApiKeyStoreTests() : ApiKeyStoreContract(new PostgresStoreProvider())
{
    [Fact]
    public async Task CreateAsync_StoresTheDigest_NeverTheSecret_InAnyColumn()
    {
        var (store, _, database) = await NewStoreAsync();
        var secrets = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            secrets.Add((await store.CreateAsync($"k{i}", "default", ApiKeyScopes.All, Ct)).Secret);
        }

        var rows = (string)(await database.ScalarAsync("SELECT string_agg(k::text, E'\\n') FROM api_keys k"))!;

        Assert.All(secrets, secret =>
        {
            Assert.DoesNotContain(secret[8..], rows, StringComparison.Ordinal);
            Assert.Contains(@"\x" + Convert.ToHexStringLower(DigestOf(secret)), rows, StringComparison.Ordinal);
        });
    }
}
