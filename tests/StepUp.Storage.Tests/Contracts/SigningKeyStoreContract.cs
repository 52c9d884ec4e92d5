using System.Data.Common;
using System.Security.Cryptography;
using StepUp.Core.Security;
using StepUp.Storage.Keys;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="ISigningKeyStore"/>: one active key per purpose, keys never change, audit keys never go.</summary>
public abstract class SigningKeyStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    internal static SigningKeyRecord NewKey(string purpose, SecretBox box, DateTimeOffset created)
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
    public async Task AddListRetire_KeepsOneActiveKeyPerPurpose_AndEveryRetiredOne()
    {
        var clock = new ManualTimeProvider(Now);
        var store = (await OpenAsync(clock)).SigningKeys;
        using var box = new SecretBox(SecretBox.GenerateKey());
        var audit1 = NewKey(SigningKeyPurposes.Audit, box, Now);
        var audit2 = NewKey(SigningKeyPurposes.Audit, box, Now.AddDays(1));
        var token = NewKey(SigningKeyPurposes.Token, box, Now.AddDays(2));

        Assert.True(await store.TryAddActiveAsync(audit1, Ct));
        Assert.False(await store.TryAddActiveAsync(audit2, Ct));
        Assert.False(await store.TryAddActiveAsync(audit1, Ct));
        Assert.True(await store.TryAddActiveAsync(token, Ct));
        Assert.NotEqual(audit1.Kid, token.Kid);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await store.RetireAsync(audit1.Kid, Ct));
        Assert.False(await store.RetireAsync(audit1.Kid, Ct));
        Assert.False(await store.RetireAsync("audit-unknown", Ct));
        Assert.True(await store.TryAddActiveAsync(audit2, Ct));

        var audit = await store.ListAsync(SigningKeyPurposes.Audit, Ct);
        Assert.Equal([audit1.Kid, audit2.Kid], audit.Select(k => k.Kid));
        Assert.Equal(Now.AddHours(1), audit[0].RetiredAt);
        Assert.Equal(Now, audit[0].CreatedAt);
        Assert.True(audit[1].IsActive);
        Assert.Equal(audit1.PublicKey, audit[0].PublicKey);
        Assert.Equal(audit1.SealedPrivateKey.ToArray(), audit[0].SealedPrivateKey.ToArray());
        Assert.Equal([audit1.Kid, audit2.Kid, token.Kid], (await store.ListAsync(cancellationToken: Ct)).Select(k => k.Kid));
        Assert.True(box.TryOpen(audit[0].SealedPrivateKey.Span, SigningKeyRecord.AssociatedData(audit1.Kid), out _));
        Assert.DoesNotContain("SealedPrivateKey", audit[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesStartingTogether_StoreOneActiveKeyPerPurpose()
    {
        var first = await OpenAsync();
        var second = await OpenNodeAsync(first);
        using var box = new SecretBox(SecretBox.GenerateKey());
        var keys = Enumerable.Range(0, 6).Select(_ => NewKey(SigningKeyPurposes.Token, box, Now)).ToList();

        var added = await Task.WhenAll(keys.Select((key, i) => Task.Run(() => (i % 2 == 0 ? first : second).SigningKeys.TryAddActiveAsync(key, Ct))));

        Assert.Equal(1, added.Count(a => a));
        Assert.Equal(keys[Array.IndexOf(added, true)].Kid, Assert.Single(await first.SigningKeys.ListAsync(SigningKeyPurposes.Token, Ct)).Kid);
    }

    [Fact]
    public async Task TryAddActive_RefusesAKidOfAnotherPurpose()
    {
        var store = (await OpenAsync()).SigningKeys;
        using var box = new SecretBox(SecretBox.GenerateKey());
        var key = NewKey(SigningKeyPurposes.Token, box, Now) with { Purpose = SigningKeyPurposes.Audit };

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryAddActiveAsync(key, Ct));
    }

    // Statements every provider understands, so the guard rail is checked in each schema.
    [Theory]
    [InlineData("UPDATE signing_keys SET public_jwk = '{}'")]
    [InlineData("UPDATE signing_keys SET private_key = private_key || private_key")]
    [InlineData("UPDATE signing_keys SET purpose = 'token'")]
    [InlineData("UPDATE signing_keys SET retired_at = '2030-01-01T00:00:00.000Z' WHERE retired_at IS NOT NULL")]
    [InlineData("DELETE FROM signing_keys")]
    public async Task Guards_RefuseChangingOrDeletingAuditKeys(string sql)
    {
        var database = await OpenAsync();
        using var box = new SecretBox(SecretBox.GenerateKey());
        var key = NewKey(SigningKeyPurposes.Audit, box, Now);
        await database.SigningKeys.TryAddActiveAsync(key, Ct);
        await database.SigningKeys.RetireAsync(key.Kid, Ct);

        var error = await Assert.ThrowsAnyAsync<DbException>(() => database.ExecuteAsync(sql));

        Assert.Contains("signing_keys", error.Message, StringComparison.Ordinal);
        Assert.Equal(key.SealedPrivateKey.ToArray(), Assert.Single(await database.SigningKeys.ListAsync(cancellationToken: Ct)).SealedPrivateKey.ToArray());
    }

    [Fact]
    public async Task TokenKeys_MayBeDeleted()
    {
        var database = await OpenAsync();
        using var box = new SecretBox(SecretBox.GenerateKey());
        await database.SigningKeys.TryAddActiveAsync(NewKey(SigningKeyPurposes.Token, box, Now), Ct);

        Assert.Equal(1, await database.ExecuteAsync("DELETE FROM signing_keys"));
    }

    [Fact]
    public async Task KidMustCarryItsPurpose_InTheSchemaToo()
    {
        var database = await OpenAsync();

        await Assert.ThrowsAnyAsync<DbException>(() => database.ExecuteAsync(
            "INSERT INTO signing_keys (kid, purpose, alg, private_key, public_jwk, created_at) VALUES ('token-x', 'audit', 'ES256', '', '{}', '2026-01-01T00:00:00.000Z')"));
    }
}
