using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using StepUp.Core.Security;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Sqlite;

public sealed class SqliteApiKeyStoreTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private (SqliteApiKeyStore Store, ManualTimeProvider Clock, SqliteDatabase Database, string Path) NewStore()
    {
        var clock = new ManualTimeProvider(TempDirectory.Epoch);
        var path = temp.NewDatabasePath();
        var database = temp.OpenDatabase(clock, path);
        return (new SqliteApiKeyStore(database, clock), clock, database, path);
    }

    private static byte[] DigestOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    [Fact]
    public async Task CreateAsync_ReturnsASecretOnce_AndARecordThatFindsByItsDigest()
    {
        var (store, _, _, _) = NewStore();

        var (record, secret) = await store.CreateAsync("ci deploy", "payments-api", [ApiKeyScopes.Decisions, ApiKeyScopes.AuditRead], TestContext.Current.CancellationToken);
        var found = await store.FindByDigestAsync(DigestOf(secret), TestContext.Current.CancellationToken);

        Assert.Matches("^su_[A-Za-z0-9_-]{43}$", secret);
        Assert.Matches("^key_[A-Za-z0-9_-]{16}$", record.Id);
        Assert.Equal(secret[..8], record.Prefix);
        Assert.Equal(TempDirectory.Epoch, record.CreatedAt);
        Assert.Null(record.RevokedAt);
        Assert.NotNull(found);
        Assert.Equal(record.Id, found.Id);
        Assert.Equal(("ci deploy", "payments-api", record.Prefix, record.CreatedAt), (found.Name, found.App, found.Prefix, found.CreatedAt));
        Assert.Equal([ApiKeyScopes.Decisions, ApiKeyScopes.AuditRead], found.Scopes);
        Assert.True(found.HasScope(ApiKeyScopes.AuditRead));
        Assert.False(found.HasScope(ApiKeyScopes.Admin));
    }

    [Fact]
    public async Task FindByDigestAsync_ReturnsNullForUnknownOrMalformedDigests()
    {
        var (store, _, _, _) = NewStore();
        var (_, secret) = await store.CreateAsync("k", "default", ApiKeyScopes.All, TestContext.Current.CancellationToken);

        Assert.Null(await store.FindByDigestAsync(DigestOf(secret + "x"), TestContext.Current.CancellationToken));
        Assert.Null(await store.FindByDigestAsync(Encoding.UTF8.GetBytes(secret), TestContext.Current.CancellationToken));
        Assert.Null(await store.FindByDigestAsync([], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ListAsync_ReturnsKeysOfOneAppOrAll_OldestFirst_WithRevokedOnes()
    {
        var (store, clock, _, _) = NewStore();
        var a1 = (await store.CreateAsync("a1", "app-a", [ApiKeyScopes.Decisions], TestContext.Current.CancellationToken)).Record;
        clock.Advance(TimeSpan.FromSeconds(1));
        var b1 = (await store.CreateAsync("b1", "app-b", [ApiKeyScopes.Factors], TestContext.Current.CancellationToken)).Record;
        clock.Advance(TimeSpan.FromSeconds(1));
        var a2 = (await store.CreateAsync("a2", "app-a", [ApiKeyScopes.Admin], TestContext.Current.CancellationToken)).Record;
        await store.RevokeAsync(a1.Id, TestContext.Current.CancellationToken);

        var all = await store.ListAsync(cancellationToken: TestContext.Current.CancellationToken);
        var appA = await store.ListAsync("app-a", TestContext.Current.CancellationToken);

        Assert.Equal([a1.Id, b1.Id, a2.Id], all.Select(k => k.Id));
        Assert.Equal([a1.Id, a2.Id], appA.Select(k => k.Id));
        Assert.NotNull(appA[0].RevokedAt);
        Assert.False(appA[0].IsActive);
        Assert.True(appA[1].IsActive);
        Assert.Empty(await store.ListAsync("app-c", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RevokeAsync_RevokesOnce_AndTheKeyNoLongerAuthenticates()
    {
        var (store, clock, _, _) = NewStore();
        var (record, secret) = await store.CreateAsync("k", "default", [ApiKeyScopes.Admin], TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await store.RevokeAsync(record.Id, TestContext.Current.CancellationToken));
        Assert.False(await store.RevokeAsync(record.Id, TestContext.Current.CancellationToken));
        Assert.False(await store.RevokeAsync("key_unknown", TestContext.Current.CancellationToken));
        Assert.Null(await store.FindByDigestAsync(DigestOf(secret), TestContext.Current.CancellationToken));
        var listed = Assert.Single(await store.ListAsync(cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(TempDirectory.Epoch.AddMinutes(5), listed.RevokedAt);
    }

    [Fact]
    public async Task CreateAsync_RefusesUnknownScopesAndEmptyNames()
    {
        var (store, _, _, _) = NewStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync("k", "default", ["decisions", "root"], TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(" ", "default", ["decisions"], TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync("k", "", ["decisions"], TestContext.Current.CancellationToken));
        Assert.Empty(await store.ListAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreateAsync_StoresTheDigest_NeverTheSecret()
    {
        var (store, _, database, path) = NewStore();
        var secrets = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            secrets.Add((await store.CreateAsync($"k{i}", "default", ApiKeyScopes.All, TestContext.Current.CancellationToken)).Secret);
        }

        SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(path).Concat(File.Exists(path + "-wal") ? File.ReadAllBytes(path + "-wal") : []).ToArray();

        Assert.All(secrets, secret =>
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret[8..])));
            Assert.NotEqual(-1, bytes.AsSpan().IndexOf(DigestOf(secret)));
        });
        Assert.Equal(5L, RawSql.Scalar(database, "SELECT count(*) FROM api_keys WHERE length(digest) = 32"));
    }
}
