using StepUp.Core.Challenges;
using static StepUp.Storage.Tests.Contracts.StepUpSamples;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>
/// Two nodes (two pools on one database) racing for what must happen once: every contender starts
/// together, half on each node, and exactly one wins — for SQLite two processes on one file, for
/// PostgreSQL two servers behind one load balancer.
/// </summary>
public abstract class MultiNodeContract(IStoreProvider provider) : StoreContract(provider)
{
    private const int Contenders = 8;
    private const int Rounds = 5;

    protected async Task<(StoreDatabase A, StoreDatabase B)> TwoNodesAsync()
    {
        var a = await OpenAsync();
        return (a, await OpenNodeAsync(a));
    }

    /// <summary>Runs <paramref name="count"/> calls at once, alternating between the two nodes.</summary>
    protected static async Task<T[]> RaceAsync<T>(StoreDatabase a, StoreDatabase b, Func<StoreDatabase, Task<T>> call, int count = Contenders)
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            start.Wait(Ct);
            return await call(i % 2 == 0 ? a : b);
        })).ToArray();
        start.Set();
        return await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task AChallengeCompletedFromBothNodes_IsVerifiedOnce()
    {
        var (a, b) = await TwoNodesAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"c{round}";
            await a.Challenges.AddAsync(Challenge(id), Ct);
            var wins = await RaceAsync(a, b, node => node.Challenges.CompleteAsync(id, Now, Ct));
            Assert.Equal(1, wins.Count(w => w));
            Assert.Equal(ChallengeStatus.Verified, (await b.Challenges.GetAsync(id, Ct))!.Status);
        }
    }

    [Fact]
    public async Task WrongAnswersFromBothNodes_AreEachCounted_AndLockAtTheLimit()
    {
        var (a, b) = await TwoNodesAsync();
        await a.Challenges.AddAsync(Challenge("c", maxAttempts: 5), Ct);

        var results = await RaceAsync(a, b, node => node.Challenges.RecordFailureAsync("c", Now, Ct), count: 12);

        Assert.Equal(5, results.Count(r => r is not null));
        var final = (await a.Challenges.GetAsync("c", Ct))!;
        Assert.Equal((ChallengeStatus.Locked, 5), (final.Status, final.Attempts));
    }

    [Fact]
    public async Task AOnceElevationConsumedFromBothNodes_AllowsOnce()
    {
        var (a, b) = await TwoNodesAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"e{round}";
            await b.Elevations.AddAsync(Elevation(id, once: true), Ct);
            var wins = await RaceAsync(a, b, node => node.Elevations.ConsumeAsync(id, Now, Ct));
            Assert.Equal(1, wins.Count(w => w));
        }
    }

    [Fact]
    public async Task ATotpStepRecordedFromBothNodes_IsAcceptedOnce()
    {
        var (a, b) = await TwoNodesAsync();
        await a.Factors.AddAsync(Totp("f", "alice"), Ct);
        Assert.True(await a.Factors.ActivateAsync("f", 1000, Now, Ct));
        for (var step = 1001L; step < 1001 + Rounds; step++)
        {
            var current = step;
            var wins = await RaceAsync(a, b, node => node.Factors.TryAdvanceStepAsync("f", current, Now, Ct));
            Assert.Equal(1, wins.Count(w => w));
            Assert.Equal(current, (await b.Factors.GetAsync("alice", "f", Ct))!.LastStep);
        }
    }

    [Fact]
    public async Task ARecoveryCodeUsedFromBothNodes_WorksOnce()
    {
        var (a, b) = await TwoNodesAsync();
        await a.Factors.ReplaceRecoveryCodesAsync("alice", [[1], [2], [3]], Now, Ct);
        var wins = await RaceAsync(a, b, node => node.Factors.UseRecoveryCodeAsync("alice", 2, Now, Ct));
        Assert.Equal(1, wins.Count(w => w));
    }

    [Fact]
    public async Task RecoveryCodesReplacedFromBothNodes_LeaveOneWholeSet()
    {
        var (a, b) = await TwoNodesAsync();
        var sets = await RaceAsync(a, b, async node =>
        {
            var size = node == a ? 10 : 3;
            var set = Enumerable.Range(0, size).Select(i => new byte[] { (byte)size, (byte)i }).ToList();
            await node.Factors.ReplaceRecoveryCodesAsync("alice", set, Now, Ct);
            return set;
        }, count: 6);

        var stored = await a.Factors.RecoveryCodeHashesAsync("alice", Ct);
        Assert.Contains(sets, set => set.Count == stored.Count && set.Zip(stored).All(p => p.First.SequenceEqual(p.Second!)));
    }

    [Fact]
    public async Task AWebAuthnAssertionChallengeTakenFromBothNodes_IsTakenOnce()
    {
        var (a, b) = await TwoNodesAsync();
        await a.Challenges.AddAsync(Challenge("w"), Ct);
        for (var round = 0; round < Rounds; round++)
        {
            await a.Challenges.SetWebAuthnChallengeAsync("w", [(byte)round], Ct);
            var taken = await RaceAsync(a, b, node => node.Challenges.TakeWebAuthnChallengeAsync("w", Ct));
            Assert.Equal(new[] { (byte)round }, Assert.Single(taken, t => t is not null));
        }
    }

    [Fact]
    public async Task AnEnrollmentLinkUsedFromBothNodes_IsUsedOnce()
    {
        var (a, b) = await TwoNodesAsync();
        await a.Enrollments.AddAsync([7], "alice", "shop", Now, Now.AddMinutes(10), Ct);
        var wins = await RaceAsync(a, b, node => node.Enrollments.UseAsync([7], Now, Ct));
        Assert.Equal(1, wins.Count(w => w));
    }

    [Theory]
    [InlineData(10, 10, 1, 0)]   // exactly the threshold: one lockout, count starts again
    [InlineData(10, 9, 0, 9)]    // one short: no lockout
    [InlineData(5, 13, 2, 3)]    // two lockouts and three towards the third
    public async Task FailuresRecordedFromBothNodes_LockAtExactlyTheThreshold(int threshold, int failures, int lockouts, int remaining)
    {
        var (a, b) = await TwoNodesAsync();
        var min = TimeSpan.FromMinutes(1);

        var states = await RaceAsync(a, b, node => node.Subjects.RecordFailureAsync("alice", threshold, min, TimeSpan.FromHours(1), Now, Ct), failures);

        // Every call saw a distinct count: the lockout happened in exactly the calls that reached it.
        Assert.Equal(lockouts, states.Count(s => s.ConsecutiveFailures == 0));
        Assert.Equal(failures, states.Select(s => (s.Lockouts * threshold) + s.ConsecutiveFailures).Distinct().Count());
        var final = await b.Subjects.GetAsync("alice", Ct);
        Assert.Equal((remaining, lockouts), (final.ConsecutiveFailures, final.Lockouts));
        Assert.Equal(lockouts > 0, final.IsLocked(Now));
        if (lockouts > 0)
        {
            Assert.Equal(Now + SubjectLockout.Backoff(lockouts - 1, min, TimeSpan.FromHours(1)), final.LockedUntil);
        }
    }
}
