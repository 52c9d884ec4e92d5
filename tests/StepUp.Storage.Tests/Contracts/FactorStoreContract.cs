using StepUp.Core.Factors;
using static StepUp.Storage.Tests.Contracts.StepUpSamples;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="StepUps.IFactorStore"/>: factors, TOTP replay protection, recovery codes, registrations.</summary>
public abstract class FactorStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    [Fact]
    public async Task Factor_RoundTripsEveryField()
    {
        var store = (await OpenAsync()).Factors;
        var totp = Totp("t", "zoe") with { Status = FactorStatus.Active, LastStep = 42, ActivatedAt = Now.AddSeconds(1) };
        var key = WebAuthn("w", "zoe", [7, 8]) with { Aaguid = "00000000-0000-0000-0000-000000000000", BackupEligible = true, Transports = ["usb", "nfc"] };
        await store.AddAsync(totp, Ct);
        await store.AddAsync(key, Ct);

        Assert.Equivalent(totp, await store.GetAsync("zoe", "t", Ct), strict: true);
        Assert.Equivalent(key, await store.GetAsync("zoe", "w", Ct), strict: true);
    }

    [Fact]
    public async Task Totp_StepAdvancesOnlyForward_AndConcurrentUseSucceedsOnce()
    {
        var store = (await OpenAsync()).Factors;
        await store.AddAsync(Totp("f1", "alice"), Ct);
        Assert.Equal(FactorStatus.Pending, (await store.GetAsync("alice", "f1", Ct))!.Status);
        Assert.False(await store.TryAdvanceStepAsync("f1", 100, Now, Ct)); // pending: not usable yet
        Assert.True(await store.ActivateAsync("f1", 100, Now, Ct));
        Assert.False(await store.ActivateAsync("f1", 100, Now, Ct));

        Assert.False(await store.TryAdvanceStepAsync("f1", 100, Now, Ct)); // replay of the activation code
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TryAdvanceStepAsync("f1", 101, Now, Ct))));
        Assert.Equal(1, results.Count(r => r));
        Assert.False(await store.TryAdvanceStepAsync("f1", 99, Now, Ct));
        Assert.Equal(101, (await store.GetAsync("alice", "f1", Ct))!.LastStep);
        Assert.Null(await store.GetAsync("bob", "f1", Ct));
    }

    [Fact]
    public async Task Factors_ListRemoveAndCredentialLookup()
    {
        var store = (await OpenAsync()).Factors;
        await store.AddAsync(Totp("t", "carol"), Ct);
        await store.AddAsync(WebAuthn("w", "carol", [7, 7, 7]), Ct);
        Assert.Equal(["t", "w"], (await store.ListAsync("carol", Ct)).Select(f => f.Id));
        var found = await store.FindByCredentialIdAsync([7, 7, 7], Ct);
        Assert.Equal("w", found!.Id);
        Assert.Equal(["internal"], found.Transports);
        Assert.False(found.BackupEligible);
        Assert.True(await store.UpdateWebAuthnAsync("w", 5, 6, true, Now, Ct));
        Assert.False(await store.UpdateWebAuthnAsync("w", 5, 7, false, Now, Ct)); // checked against a stale count
        var updated = (await store.GetAsync("carol", "w", Ct))!;
        Assert.Equal((6L, true, Now), (updated.SignCount, updated.BackupState, updated.LastUsedAt));
        Assert.True(await store.RemoveAsync("carol", "w", Now, Ct));
        Assert.False(await store.RemoveAsync("carol", "w", Now, Ct));
        Assert.Null(await store.FindByCredentialIdAsync([7, 7, 7], Ct));
        Assert.Null(await store.GetAsync("carol", "w", Ct));
        Assert.Equal(["t"], (await store.ListAsync("carol", Ct)).Select(f => f.Id));
    }

    [Fact]
    public async Task CredentialIds_AreUnique_AndFreedByRemoval()
    {
        var store = (await OpenAsync()).Factors;
        await store.AddAsync(WebAuthn("w1", "ivan", [3, 3]), Ct);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => store.AddAsync(WebAuthn("w2", "judy", [3, 3]), Ct));
        Assert.True(await store.RemoveAsync("ivan", "w1", Now, Ct));
        await store.AddAsync(WebAuthn("w2", "judy", [3, 3]), Ct);
        Assert.Equal("w2", (await store.FindByCredentialIdAsync([3, 3], Ct))!.Id);
    }

    [Fact]
    public async Task RecoveryCodes_AreSingleUse_AndReplacedAsASet()
    {
        var store = (await OpenAsync()).Factors;
        Assert.Empty(await store.RecoveryCodeHashesAsync("dave", Ct));
        await store.ReplaceRecoveryCodesAsync("dave", [[1], [2], [3]], Now, Ct);
        Assert.True(await store.UseRecoveryCodeAsync("dave", 1, Now, Ct));
        Assert.False(await store.UseRecoveryCodeAsync("dave", 1, Now, Ct));
        Assert.False(await store.UseRecoveryCodeAsync("dave", 3, Now, Ct));
        var hashes = await store.RecoveryCodeHashesAsync("dave", Ct);
        Assert.Equal(3, hashes.Count);
        Assert.Equal([1], hashes[0]);
        Assert.Null(hashes[1]);
        Assert.Equal([3], hashes[2]);
        await store.ReplaceRecoveryCodesAsync("dave", [[4]], Now, Ct);
        Assert.Equal([4], Assert.Single(await store.RecoveryCodeHashesAsync("dave", Ct)));
        Assert.True(await store.UseRecoveryCodeAsync("dave", 0, Now, Ct));
    }

    [Fact]
    public async Task RegistrationChallenge_IsSingleUseAndExpires()
    {
        var store = (await OpenAsync()).Factors;
        await store.AddRegistrationChallengeAsync("erin", [5, 5], Now.AddMinutes(5), Ct);
        Assert.False(await store.TakeRegistrationChallengeAsync("frank", [5, 5], Now, Ct));
        Assert.True(await store.TakeRegistrationChallengeAsync("erin", [5, 5], Now, Ct));
        Assert.False(await store.TakeRegistrationChallengeAsync("erin", [5, 5], Now, Ct));
        await store.AddRegistrationChallengeAsync("erin", [6], Now.AddMinutes(5), Ct);
        Assert.False(await store.TakeRegistrationChallengeAsync("erin", [6], Now.AddMinutes(6), Ct));
    }
}
