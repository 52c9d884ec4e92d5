using System.Security.Cryptography;
using System.Text;
using StepUp.Core.Security;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="IApiKeyStore"/>: secrets shown once, stored as digests, looked up by digest, revoked once.</summary>
public abstract class ApiKeyStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    private protected async Task<(IApiKeyStore Store, ManualTimeProvider Clock, StoreDatabase Database)> NewStoreAsync()
    {
        var clock = new ManualTimeProvider(Now);
        var database = await OpenAsync(clock);
        return (database.ApiKeys, clock, database);
    }

    protected static byte[] DigestOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    [Fact]
    public async Task CreateAsync_ReturnsASecretOnce_AndARecordThatFindsByItsDigest()
    {
        var (store, _, _) = await NewStoreAsync();

        var (record, secret) = await store.CreateAsync("ci deploy", "payments-api", [ApiKeyScopes.Decisions, ApiKeyScopes.AuditRead], Ct);
        var found = await store.FindByDigestAsync(DigestOf(secret), Ct);

        Assert.Matches("^su_[A-Za-z0-9_-]{43}$", secret);
        Assert.Matches("^key_[A-Za-z0-9_-]{16}$", record.Id);
        Assert.Equal(secret[..8], record.Prefix);
        Assert.Equal(Now, record.CreatedAt);
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
        var (store, _, _) = await NewStoreAsync();
        var (_, secret) = await store.CreateAsync("k", "default", ApiKeyScopes.All, Ct);

        Assert.Null(await store.FindByDigestAsync(DigestOf(secret + "x"), Ct));
        Assert.Null(await store.FindByDigestAsync(Encoding.UTF8.GetBytes(secret), Ct));
        Assert.Null(await store.FindByDigestAsync([], Ct));
    }

    [Fact]
    public async Task ListAsync_ReturnsKeysOfOneAppOrAll_OldestFirst_WithRevokedOnes()
    {
        var (store, clock, _) = await NewStoreAsync();
        var a1 = (await store.CreateAsync("a1", "app-a", [ApiKeyScopes.Decisions], Ct)).Record;
        clock.Advance(TimeSpan.FromSeconds(1));
        var b1 = (await store.CreateAsync("b1", "app-b", [ApiKeyScopes.Factors], Ct)).Record;
        clock.Advance(TimeSpan.FromSeconds(1));
        var a2 = (await store.CreateAsync("a2", "app-a", [ApiKeyScopes.Admin], Ct)).Record;
        await store.RevokeAsync(a1.Id, Ct);

        var all = await store.ListAsync(cancellationToken: Ct);
        var appA = await store.ListAsync("app-a", Ct);

        Assert.Equal([a1.Id, b1.Id, a2.Id], all.Select(k => k.Id));
        Assert.Equal([a1.Id, a2.Id], appA.Select(k => k.Id));
        Assert.NotNull(appA[0].RevokedAt);
        Assert.False(appA[0].IsActive);
        Assert.True(appA[1].IsActive);
        Assert.Equal([ApiKeyScopes.Admin], appA[1].Scopes);
        Assert.Empty(await store.ListAsync("app-c", Ct));
    }

    [Fact]
    public async Task RevokeAsync_RevokesOnce_AndTheKeyNoLongerAuthenticates()
    {
        var (store, clock, _) = await NewStoreAsync();
        var (record, secret) = await store.CreateAsync("k", "default", [ApiKeyScopes.Admin], Ct);
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await store.RevokeAsync(record.Id, Ct));
        Assert.False(await store.RevokeAsync(record.Id, Ct));
        Assert.False(await store.RevokeAsync("key_unknown", Ct));
        Assert.Null(await store.FindByDigestAsync(DigestOf(secret), Ct));
        var listed = Assert.Single(await store.ListAsync(cancellationToken: Ct));
        Assert.Equal(Now.AddMinutes(5), listed.RevokedAt);
    }

    [Fact]
    public async Task CreateAsync_RefusesUnknownScopesAndEmptyNames()
    {
        var (store, _, _) = await NewStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync("k", "default", ["decisions", "root"], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(" ", "default", ["decisions"], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync("k", "", ["decisions"], Ct));
        Assert.Empty(await store.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task CreateAsync_StoresA32ByteDigestPerKey()
    {
        var (store, _, database) = await NewStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync($"k{i}", "default", ApiKeyScopes.All, Ct);
        }

        Assert.Equal(5L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM api_keys WHERE length(digest) = 32")));
    }
}
