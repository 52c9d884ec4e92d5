using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using StepUp.Storage.Keys;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Checkpoints;

public sealed class SqliteSigningKeyStoreTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static SigningKeyRecord NewKey(string purpose, SecretBox box, DateTimeOffset created)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = SigningKeyPurposes.Kid(purpose, EcPublicJwk.FromKey("-", ecdsa));
        return new SigningKeyRecord
        {
            Kid = kid,
            Purpose = purpose,
            PublicKey = EcPublicJwk.FromKey(kid, ecdsa),
            SealedPrivateKey = box.Seal(ecdsa.ExportPkcs8PrivateKey(), SigningKeyRecord.AssociatedData(kid)),
            CreatedAt = created,
        };
    }

    [Fact]
    public async Task Migration2_IsApplied()
    {
        var database = temp.OpenDatabase();

        Assert.True(database.SchemaVersion >= 2);
        Assert.Equal(1L, RawSql.Scalar(database, "SELECT count(*) FROM schema_migrations WHERE version = 2;"));
    }

    [Fact]
    public async Task AddListRetire_KeepsOneActiveKeyPerPurpose_AndEveryRetiredOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new ManualTimeProvider(TempDirectory.Epoch);
        var store = new SqliteSigningKeyStore(temp.OpenDatabase(), clock);
        using var box = new SecretBox(SecretBox.GenerateKey());
        var audit1 = NewKey(SigningKeyPurposes.Audit, box, TempDirectory.Epoch);
        var audit2 = NewKey(SigningKeyPurposes.Audit, box, TempDirectory.Epoch.AddDays(1));
        var token = NewKey(SigningKeyPurposes.Token, box, TempDirectory.Epoch.AddDays(2));

        Assert.True(await store.TryAddActiveAsync(audit1, ct));
        Assert.False(await store.TryAddActiveAsync(audit2, ct));
        Assert.True(await store.TryAddActiveAsync(token, ct));
        Assert.NotEqual(audit1.Kid, token.Kid);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await store.RetireAsync(audit1.Kid, ct));
        Assert.False(await store.RetireAsync(audit1.Kid, ct));
        Assert.True(await store.TryAddActiveAsync(audit2, ct));

        var audit = await store.ListAsync(SigningKeyPurposes.Audit, ct);
        Assert.Equal([audit1.Kid, audit2.Kid], audit.Select(k => k.Kid));
        Assert.Equal(TempDirectory.Epoch.AddHours(1), audit[0].RetiredAt);
        Assert.True(audit[1].IsActive);
        Assert.Equal(audit1.PublicKey, audit[0].PublicKey);
        Assert.Equal(audit1.SealedPrivateKey.ToArray(), audit[0].SealedPrivateKey.ToArray());
        Assert.Equal(3, (await store.ListAsync(cancellationToken: ct)).Count);
        Assert.True(box.TryOpen(audit[0].SealedPrivateKey.Span, SigningKeyRecord.AssociatedData(audit1.Kid), out _));
        Assert.DoesNotContain("SealedPrivateKey", audit[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAddActive_RefusesAKidOfAnotherPurpose()
    {
        var store = new SqliteSigningKeyStore(temp.OpenDatabase(), TimeProvider.System);
        using var box = new SecretBox(SecretBox.GenerateKey());
        var key = NewKey(SigningKeyPurposes.Token, box, TempDirectory.Epoch) with { Purpose = SigningKeyPurposes.Audit };

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryAddActiveAsync(key, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("UPDATE signing_keys SET public_jwk = '{}';")]
    [InlineData("UPDATE signing_keys SET private_key = x'00';")]
    [InlineData("UPDATE signing_keys SET purpose = 'token';")]
    [InlineData("UPDATE signing_keys SET retired_at = '2030-01-01T00:00:00.000Z' WHERE retired_at IS NOT NULL;")]
    [InlineData("DELETE FROM signing_keys;")]
    public async Task Guards_RefuseChangingOrDeletingAuditKeys(string sql)
    {
        var database = temp.OpenDatabase();
        var store = new SqliteSigningKeyStore(database, TimeProvider.System);
        using var box = new SecretBox(SecretBox.GenerateKey());
        var key = NewKey(SigningKeyPurposes.Audit, box, TempDirectory.Epoch);
        await store.TryAddActiveAsync(key, TestContext.Current.CancellationToken);
        await store.RetireAsync(key.Kid, TestContext.Current.CancellationToken);

        var error = Assert.Throws<SqliteException>(() => RawSql.Execute(database, sql));

        Assert.Contains("signing_keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KidMustCarryItsPurpose_InTheSchemaToo()
    {
        var database = temp.OpenDatabase();

        Assert.Throws<SqliteException>(() => RawSql.Execute(database,
            "INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at) VALUES ('token-x', 'audit', 'ES256', x'00', '{}', '2026-01-01T00:00:00.000Z');"));
    }
}
