using StepUp.Core.Challenges;
using StepUp.Core.Policy;
using static StepUp.Storage.Tests.Contracts.StepUpSamples;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="StepUps.IChallengeStore"/>: attempts, locking, one completion, single-use WebAuthn challenges.</summary>
public abstract class ChallengeStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    [Fact]
    public async Task Challenge_RoundTripsEveryField()
    {
        var store = (await OpenAsync()).Challenges;
        var challenge = Challenge("r1") with
        {
            ResourceSummary = "transfer t-1: 12000 EUR", Level = AssuranceLevel.Aal3, Attempts = 1, ContextIp = "81.2.69.142",
            ContextCountry = "GB", ContextCity = "London", ContextDeviceId = "d-1", ContextUserAgent = "Mozilla/5.0", AppAmr = ["pwd", "sms"],
        };
        await store.AddAsync(challenge, Ct);
        await store.AddAsync(Challenge("r2") with { Resource = null, BindResource = false, Once = false, AppAmr = [] }, Ct);

        Assert.Equivalent(challenge, await store.GetAsync("r1", Ct), strict: true);
        var bare = (await store.GetAsync("r2", Ct))!;
        Assert.Null(bare.Resource);
        Assert.Empty(bare.AppAmr);
        Assert.Null(bare.ContextDeviceId);
        Assert.Null(await store.GetAsync("nope", Ct));
    }

    [Fact]
    public async Task Challenge_CountsAttempts_LocksAtTheLimit_AndCompletesOnce()
    {
        var store = (await OpenAsync()).Challenges;
        await store.AddAsync(Challenge("c1"), Ct);
        var read = await store.GetAsync("c1", Ct);
        Assert.Equal(StepUpMethods.Totp, read!.AvailableMethods);
        Assert.Equal(["pwd"], read.AppAmr);
        Assert.Equal("t-1", read.Resource!.Id);
        Assert.Equal(2, (await store.RecordFailureAsync("c1", Now, Ct))!.AttemptsLeft);
        Assert.Equal(1, (await store.RecordFailureAsync("c1", Now, Ct))!.AttemptsLeft);
        var locked = await store.RecordFailureAsync("c1", Now, Ct);
        Assert.Equal(ChallengeStatus.Locked, locked!.Status);
        Assert.Null(await store.RecordFailureAsync("c1", Now, Ct));
        Assert.False(await store.CompleteAsync("c1", Now, Ct));

        await store.AddAsync(Challenge("c2"), Ct);
        var wins = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.CompleteAsync("c2", Now, Ct))));
        Assert.Equal(1, wins.Count(w => w));
        Assert.Equal(ChallengeStatus.Verified, (await store.GetAsync("c2", Ct))!.Status);
        Assert.Null(await store.RecordFailureAsync("c2", Now, Ct));

        await store.AddAsync(Challenge("c3"), Ct);
        Assert.False(await store.CompleteAsync("c3", Now.AddMinutes(6), Ct));
        Assert.Null(await store.RecordFailureAsync("c3", Now.AddMinutes(5), Ct)); // expiry is exclusive
        Assert.Equal(ChallengeStatus.Expired, (await store.GetAsync("c3", Ct))!.StatusAt(Now.AddMinutes(6)));
        Assert.True(await store.ExpireAsync("c3", Ct));
        Assert.False(await store.ExpireAsync("c3", Ct));
        Assert.Equal(ChallengeStatus.Expired, (await store.GetAsync("c3", Ct))!.Status);
    }

    [Fact]
    public async Task Challenge_WebAuthnChallengeIsTakenOnce()
    {
        var store = (await OpenAsync()).Challenges;
        await store.AddAsync(Challenge("w1"), Ct);
        Assert.Null(await store.TakeWebAuthnChallengeAsync("w1", Ct));
        await store.SetWebAuthnChallengeAsync("w1", [1, 2], Ct);
        await store.SetWebAuthnChallengeAsync("w1", [3, 4], Ct); // a new options call replaces the earlier challenge
        Assert.Equal(new byte[] { 3, 4 }, await store.TakeWebAuthnChallengeAsync("w1", Ct));
        Assert.Null(await store.TakeWebAuthnChallengeAsync("w1", Ct));
        Assert.Null(await store.TakeWebAuthnChallengeAsync("unknown", Ct));
    }
}
