using StepUp.Core.Challenges;
using StepUp.Core.Elevations;
using StepUp.Core.Factors;
using StepUp.Core.Policy;
using StepUp.Storage.Sqlite.StepUps;

namespace StepUp.Storage.Tests.StepUps;

public sealed class StepUpStoresTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static readonly DateTimeOffset Now = TempDirectory.Epoch;

    private static Factor Totp(string id, string subject) => new()
    {
        Id = id, SubjectId = subject, Type = FactorType.Totp, Name = "phone", Status = FactorStatus.Pending,
        CreatedAt = Now, EncryptedSecret = [1, 2, 3],
    };

    private static Challenge NewChallenge(string id, int maxAttempts = 3) => new()
    {
        Id = id, App = "shop", SubjectId = "alice", SessionId = "s-1", Action = "payments.transfer",
        Resource = new ResourceBinding("transfer", "t-1", "ab"), Level = AssuranceLevel.Aal2,
        Methods = StepUpMethods.Totp | StepUpMethods.WebAuthn, AvailableMethods = StepUpMethods.Totp,
        MaxAge = TimeSpan.FromMinutes(5), BindResource = true, Once = true, MaxAttempts = maxAttempts,
        PageSecretHash = [9, 9], DecisionId = "d-1", AppAmr = ["pwd"], CreatedAt = Now, ExpiresAt = Now.AddMinutes(5),
    };

    [Fact]
    public async Task Totp_StepAdvancesOnlyForward_AndConcurrentUseSucceedsOnce()
    {
        var store = new SqliteFactorStore(temp.OpenDatabase());
        await store.AddAsync(Totp("f1", "alice"));
        Assert.Equal(FactorStatus.Pending, (await store.GetAsync("alice", "f1"))!.Status);
        Assert.True(await store.ActivateAsync("f1", 100, Now));
        Assert.False(await store.ActivateAsync("f1", 100, Now));

        Assert.False(await store.TryAdvanceStepAsync("f1", 100, Now)); // replay of the activation code
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryAdvanceStepAsync("f1", 101, Now)));
        Assert.Equal(1, results.Count(r => r));
        Assert.False(await store.TryAdvanceStepAsync("f1", 99, Now));
        Assert.Equal(101, (await store.GetAsync("alice", "f1"))!.LastStep);
        Assert.Null(await store.GetAsync("bob", "f1"));
    }

    [Fact]
    public async Task Factors_ListRemoveAndCredentialLookup()
    {
        var store = new SqliteFactorStore(temp.OpenDatabase());
        await store.AddAsync(Totp("t", "carol"));
        await store.AddAsync(new Factor
        {
            Id = "w", SubjectId = "carol", Type = FactorType.WebAuthn, Name = "key", Status = FactorStatus.Active, CreatedAt = Now,
            CredentialId = [7, 7, 7], PublicKey = [1], Algorithm = -7, SignCount = 5, BackupEligible = false, BackupState = false, Transports = ["internal"],
        });
        Assert.Equal(["t", "w"], (await store.ListAsync("carol")).Select(f => f.Id));
        var found = await store.FindByCredentialIdAsync([7, 7, 7]);
        Assert.Equal("w", found!.Id);
        Assert.Equal(["internal"], found.Transports);
        Assert.False(found.BackupEligible);
        Assert.True(await store.UpdateWebAuthnAsync("w", 5, 6, false, Now));
        Assert.False(await store.UpdateWebAuthnAsync("w", 5, 7, false, Now)); // checked against a stale count
        Assert.Equal(6, (await store.GetAsync("carol", "w"))!.SignCount);
        Assert.True(await store.RemoveAsync("carol", "w", Now));
        Assert.False(await store.RemoveAsync("carol", "w", Now));
        Assert.Null(await store.FindByCredentialIdAsync([7, 7, 7]));
        Assert.Equal(["t"], (await store.ListAsync("carol")).Select(f => f.Id));
    }

    [Fact]
    public async Task RecoveryCodes_AreSingleUse_AndReplacedAsASet()
    {
        var store = new SqliteFactorStore(temp.OpenDatabase());
        await store.ReplaceRecoveryCodesAsync("dave", [[1], [2], [3]], Now);
        Assert.True(await store.UseRecoveryCodeAsync("dave", 1, Now));
        Assert.False(await store.UseRecoveryCodeAsync("dave", 1, Now));
        var hashes = await store.RecoveryCodeHashesAsync("dave");
        Assert.Equal(3, hashes.Count);
        Assert.Null(hashes[1]);
        await store.ReplaceRecoveryCodesAsync("dave", [[4]], Now);
        Assert.Single(await store.RecoveryCodeHashesAsync("dave"));
    }

    [Fact]
    public async Task RegistrationChallenge_IsSingleUseAndExpires()
    {
        var store = new SqliteFactorStore(temp.OpenDatabase());
        await store.AddRegistrationChallengeAsync("erin", [5, 5], Now.AddMinutes(5));
        Assert.False(await store.TakeRegistrationChallengeAsync("frank", [5, 5], Now));
        Assert.True(await store.TakeRegistrationChallengeAsync("erin", [5, 5], Now));
        Assert.False(await store.TakeRegistrationChallengeAsync("erin", [5, 5], Now));
        await store.AddRegistrationChallengeAsync("erin", [6], Now.AddMinutes(5));
        Assert.False(await store.TakeRegistrationChallengeAsync("erin", [6], Now.AddMinutes(6)));
    }

    [Fact]
    public async Task Challenge_CountsAttempts_LocksAtTheLimit_AndCompletesOnce()
    {
        var store = new SqliteChallengeStore(temp.OpenDatabase());
        await store.AddAsync(NewChallenge("c1"));
        var read = await store.GetAsync("c1");
        Assert.Equal(StepUpMethods.Totp, read!.AvailableMethods);
        Assert.Equal(["pwd"], read.AppAmr);
        Assert.Equal("t-1", read.Resource!.Id);
        Assert.Equal(2, (await store.RecordFailureAsync("c1", Now))!.AttemptsLeft);
        Assert.Equal(1, (await store.RecordFailureAsync("c1", Now))!.AttemptsLeft);
        var locked = await store.RecordFailureAsync("c1", Now);
        Assert.Equal(ChallengeStatus.Locked, locked!.Status);
        Assert.Null(await store.RecordFailureAsync("c1", Now));
        Assert.False(await store.CompleteAsync("c1", Now));

        await store.AddAsync(NewChallenge("c2"));
        var wins = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => store.CompleteAsync("c2", Now)));
        Assert.Equal(1, wins.Count(w => w));

        await store.AddAsync(NewChallenge("c3"));
        Assert.False(await store.CompleteAsync("c3", Now.AddMinutes(6)));
        Assert.Equal(ChallengeStatus.Expired, (await store.GetAsync("c3"))!.StatusAt(Now.AddMinutes(6)));
        Assert.True(await store.ExpireAsync("c3"));
    }

    [Fact]
    public async Task Challenge_WebAuthnChallengeIsTakenOnce()
    {
        var store = new SqliteChallengeStore(temp.OpenDatabase());
        await store.AddAsync(NewChallenge("w1"));
        await store.SetWebAuthnChallengeAsync("w1", [1, 2]);
        Assert.Equal([1, 2], await store.TakeWebAuthnChallengeAsync("w1"));
        Assert.Null(await store.TakeWebAuthnChallengeAsync("w1"));
    }

    [Fact]
    public async Task Elevation_OnceIsConsumedOnce_AndSessionRevocationEndsTheRest()
    {
        var store = new SqliteElevationStore(temp.OpenDatabase());
        Elevation Make(string id, bool once) => new()
        {
            Id = id, App = "shop", SubjectId = "alice", SessionId = "s-9", Level = AssuranceLevel.Aal2, Methods = StepUpMethods.Totp,
            Amr = ["pwd", "otp", "mfa"], AuthTime = Now, Action = "payments.transfer", Once = once, ExpiresAt = Now.AddMinutes(5), ChallengeId = "c",
        };
        await store.AddAsync(Make("e1", true));
        await store.AddAsync(Make("e2", false));
        Assert.Equal(2, (await store.ListActiveAsync("shop", "s-9", Now)).Count);
        Assert.Empty(await store.ListActiveAsync("other-app", "s-9", Now));
        var wins = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => store.ConsumeAsync("e1", Now)));
        Assert.Equal(1, wins.Count(w => w));
        Assert.Equal(["e2"], (await store.ListActiveAsync("shop", "s-9", Now)).Select(e => e.Id));
        Assert.Equal(["e2"], (await store.RevokeSessionAsync("shop", "s-9", Now)).Select(e => e.Id));
        Assert.Empty(await store.ListActiveAsync("shop", "s-9", Now));
        Assert.NotNull((await store.GetAsync("e2"))!.RevokedAt);
        Assert.Empty(await store.ListActiveAsync("shop", "s-9", Now.AddMinutes(10)));
    }

    [Fact]
    public async Task Subject_LocksAtThreshold_WithDoublingBackoff_AndUnlocks()
    {
        var store = new SqliteSubjectStore(temp.OpenDatabase());
        var min = TimeSpan.FromMinutes(1);
        var max = TimeSpan.FromMinutes(3);
        SubjectLockout state = await store.GetAsync("gina");
        for (var i = 0; i < 3; i++)
        {
            state = await store.RecordFailureAsync("gina", 3, min, max, Now);
        }

        Assert.True(state.IsLocked(Now));
        Assert.Equal(Now + min, state.LockedUntil);
        for (var i = 0; i < 3; i++)
        {
            state = await store.RecordFailureAsync("gina", 3, min, max, Now.AddMinutes(2));
        }

        Assert.Equal(Now.AddMinutes(2) + TimeSpan.FromMinutes(2), state.LockedUntil);
        for (var i = 0; i < 3; i++)
        {
            state = await store.RecordFailureAsync("gina", 3, min, max, Now.AddMinutes(5));
        }

        Assert.Equal(Now.AddMinutes(5) + max, state.LockedUntil); // capped
        Assert.True(await store.UnlockAsync("gina", Now.AddMinutes(5)));
        Assert.False((await store.GetAsync("gina")).IsLocked(Now.AddMinutes(5)));

        await store.RecordFailureAsync("hank", 3, min, max, Now);
        await store.RecordSuccessAsync("hank", Now);
        Assert.Equal(0, (await store.GetAsync("hank")).ConsecutiveFailures);
    }
}
