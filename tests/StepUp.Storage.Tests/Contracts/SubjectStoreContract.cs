using StepUp.Core.Challenges;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="StepUps.ISubjectStore"/>: consecutive failures, doubling back-off, unlock.</summary>
public abstract class SubjectStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    private static readonly TimeSpan Min = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Subject_LocksAtThreshold_WithDoublingBackoff_AndUnlocks()
    {
        var store = (await OpenAsync()).Subjects;
        var state = await store.GetAsync("gina", Ct);
        Assert.Equal(new SubjectLockout("gina", 0, 0, null), state);
        for (var i = 0; i < 3; i++)
        {
            state = await store.RecordFailureAsync("gina", 3, Min, Max, Now, Ct);
        }

        Assert.True(state.IsLocked(Now));
        Assert.Equal(new SubjectLockout("gina", 0, 1, Now + Min), state);
        Assert.Equal(state, await store.GetAsync("gina", Ct));
        for (var i = 0; i < 3; i++)
        {
            state = await store.RecordFailureAsync("gina", 3, Min, Max, Now.AddMinutes(2), Ct);
        }

        Assert.Equal(Now.AddMinutes(2) + TimeSpan.FromMinutes(2), state.LockedUntil);
        for (var i = 0; i < 3; i++)
        {
            state = await store.RecordFailureAsync("gina", 3, Min, Max, Now.AddMinutes(5), Ct);
        }

        Assert.Equal(Now.AddMinutes(5) + Max, state.LockedUntil); // capped
        Assert.True(await store.UnlockAsync("gina", Now.AddMinutes(5), Ct));
        Assert.False((await store.GetAsync("gina", Ct)).IsLocked(Now.AddMinutes(5)));
        Assert.False(await store.UnlockAsync("gina", Now.AddMinutes(5), Ct));
        Assert.False(await store.UnlockAsync("nobody", Now, Ct));

        await store.RecordFailureAsync("hank", 3, Min, Max, Now, Ct);
        Assert.Equal(1, (await store.GetAsync("hank", Ct)).ConsecutiveFailures);
        await store.RecordSuccessAsync("hank", Now, Ct);
        Assert.Equal(0, (await store.GetAsync("hank", Ct)).ConsecutiveFailures);
    }

    [Fact]
    public async Task Success_ResetsTheBackoff_ButNotARunningLock()
    {
        var store = (await OpenAsync()).Subjects;
        for (var i = 0; i < 2; i++)
        {
            await store.RecordFailureAsync("ivy", 2, Min, Max, Now, Ct);
        }

        await store.RecordSuccessAsync("ivy", Now, Ct);
        var state = await store.GetAsync("ivy", Ct);
        Assert.Equal((0, 0), (state.ConsecutiveFailures, state.Lockouts));
        Assert.True(state.IsLocked(Now));
        Assert.False(state.IsLocked(Now + Min));
    }

    [Fact]
    public async Task AnExpiredLock_IsNotReportedAsUnlocked()
    {
        var store = (await OpenAsync()).Subjects;
        await store.RecordFailureAsync("jon", 1, Min, Max, Now, Ct);
        Assert.False(await store.UnlockAsync("jon", Now + Min, Ct));
        Assert.Null((await store.GetAsync("jon", Ct)).LockedUntil);
    }
}
