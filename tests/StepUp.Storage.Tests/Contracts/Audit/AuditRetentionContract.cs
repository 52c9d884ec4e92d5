using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Storage.Retention;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The contract of <see cref="IAuditRetention"/>: erasure keeps envelopes, holds stop it, pruning cuts a prefix at a checkpoint.</summary>
public abstract class AuditRetentionContract(IStoreProvider provider) : AuditContract(provider)
{
    private readonly ManualTimeProvider _time = new(Now);

    private static AuditEventDraft Event(string type, string subject) => new()
    {
        Type = type,
        Payload = new JsonObject { ["outcome"] = "allow", ["subject"] = new JsonObject { ["id"] = subject }, ["action"] = "records.read" },
    };

    /// <summary>Appends events for alice and bob, a day apart: the first two are old.</summary>
    private async Task<(AuditStore Store, IAuditRetention Retention)> SeedAsync()
    {
        var store = await OpenStoreAsync(_time);
        await using (var appender = store.OpenAppender(_time))
        {
            await appender.AppendAsync(Event("decision.evaluated", "alice"), Ct);
            await appender.AppendAsync(Event("policy.loaded", "bob"), Ct);
            _time.Advance(TimeSpan.FromDays(1));
            await appender.AppendAsync(Event("decision.evaluated", "alice"), Ct);
            await appender.AppendAsync(Event("decision.evaluated", "bob"), Ct);
            await appender.AppendAsync(Event(AuditEventTypes.AuditErased, "system"), Ct);
        }

        return (store, store.Retention(_time));
    }

    [Fact]
    public async Task EraseSubject_ErasesOnlyThatSubject_AndTheChainStillVerifies()
    {
        var (store, retention) = await SeedAsync();
        Assert.Equal(2, await retention.EraseSubjectAsync("alice", Ct));
        var events = await store.AllAsync();
        Assert.Equal([true, false, true, false, false], events.Select(e => e.Erased));
        Assert.DoesNotContain("alice", string.Concat(events.Select(e => e.ToJson())), StringComparison.Ordinal);
        Assert.Contains("bob", events[3].ToJson(), StringComparison.Ordinal);
        var verification = await store.VerifyAsync();
        Assert.True(verification.Ok, verification.Reason);
        Assert.Equal(5, verification.EventsVerified);
        Assert.Equal(0, await retention.EraseSubjectAsync("alice", Ct));
        Assert.Empty((await store.Reader.QueryAsync(new AuditQuery { Subject = "alice" }, Ct)).Events);
        Assert.Equal(2L, Convert.ToInt64(await store.ScalarAsync("SELECT count(*) FROM audit_events WHERE payload IS NULL AND subject_id IS NULL AND app IS NULL AND action IS NULL AND outcome IS NULL")));
    }

    [Fact]
    public async Task EraseSubject_UnderLegalHold_IsRefused()
    {
        var (_, retention) = await SeedAsync();
        await retention.PlaceHoldAsync("alice", "case 42", Ct);
        await Assert.ThrowsAsync<LegalHoldException>(() => retention.EraseSubjectAsync("alice", Ct));
        Assert.Equal(2, await retention.EraseSubjectAsync("bob", Ct));

        Assert.True(await retention.LiftHoldAsync("alice", Ct));
        Assert.False(await retention.LiftHoldAsync("alice", Ct));
        await retention.PlaceHoldAsync(null, "litigation", Ct);
        await Assert.ThrowsAsync<LegalHoldException>(() => retention.EraseSubjectAsync("alice", Ct));
        var holds = await retention.ListHoldsAsync(Ct);
        Assert.Equal("litigation", Assert.Single(holds).Reason);
        Assert.Null(holds[0].SubjectId);
        Assert.Equal(Now.AddDays(1), holds[0].CreatedAt);
    }

    [Fact]
    public async Task Holds_AreListedOldestFirst_AndPlacingOneAgainUpdatesItsReason()
    {
        var (_, retention) = await SeedAsync();
        await retention.PlaceHoldAsync("alice", "case 1", Ct);
        _time.Advance(TimeSpan.FromMinutes(1));
        await retention.PlaceHoldAsync(null, "everything", Ct);
        _time.Advance(TimeSpan.FromMinutes(1));
        await retention.PlaceHoldAsync("alice", "case 2", Ct);

        var holds = await retention.ListHoldsAsync(Ct);

        Assert.Equal([("alice", "case 2"), (null, "everything")], holds.Select(h => (h.SubjectId, h.Reason)));
    }

    [Fact]
    public async Task EraseOlderThan_ErasesOnlyOldEventsOfTheType()
    {
        var (store, retention) = await SeedAsync();
        var cutoff = Now.AddHours(12);
        Assert.Equal(1, await retention.EraseOlderThanAsync("decision.evaluated", [], cutoff, Ct));
        Assert.Equal([true, false, false, false, false], (await store.AllAsync()).Select(e => e.Erased));
    }

    [Fact]
    public async Task EraseOlderThan_Default_SkipsExceptedProtectedAndHeld()
    {
        var (store, retention) = await SeedAsync();
        await retention.PlaceHoldAsync("bob", "case 7", Ct);
        var everything = Now.AddDays(30);
        Assert.Equal(2, await retention.EraseOlderThanAsync(null, ["policy.loaded"], everything, Ct));
        // alice's two decisions erased; bob held; the audit.erased event is protected.
        Assert.Equal([true, false, true, false, false], (await store.AllAsync()).Select(e => e.Erased));
        Assert.True((await store.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task EraseOlderThan_UnderGlobalHold_DoesNothing()
    {
        var (store, retention) = await SeedAsync();
        await retention.PlaceHoldAsync(null, "everything", Ct);
        Assert.Equal(0, await retention.EraseOlderThanAsync(null, [], Now.AddDays(30), Ct));
        Assert.All(await store.AllAsync(), e => Assert.False(e.Erased));
    }

    [Fact]
    public async Task EraseOlderThan_ManyEvents_ErasesThemAllInBatches()
    {
        var store = await OpenStoreAsync(_time);
        await using (var appender = store.OpenAppender(_time))
        {
            await appender.AppendAsync(Enumerable.Range(0, 1234).Select(i => Event("decision.evaluated", $"user-{i}")).ToList(), Ct);
        }

        Assert.Equal(1234, await store.Retention(_time).EraseOlderThanAsync(null, [], Now.AddDays(1), Ct));
        Assert.All(await store.AllAsync(), e => Assert.True(e.Erased));
        Assert.Equal(new AuditVerification(true, 1234, 1234, null, null), await store.VerifyAsync());
    }

    // Checkpointed layout (decision i and its checkpoint at minute i - 1): checkpoint 6 covers seq 5 at
    // minute 4, checkpoint 12 covers 11 at minute 9, checkpoint 18 covers 17 at 14, checkpoint 24 covers 23 at 19.
    [Fact]
    public async Task Prune_DeletesThePrefixCoveredByTheLastCheckpointBeforeTheDate_AndTheRestVerifies()
    {
        var store = await OpenStoreAsync(_time);
        using var seeded = await CheckpointedStore.SeedAsync(store, _time);
        var rows = await store.AuditRowsAsync();
        var retention = store.Retention(_time);

        var result = await retention.PruneAsync(Now.AddMinutes(10), Ct);

        Assert.Equal(new PruneResult(11, 11, rows[10].Hash), result);
        Assert.Equal((11L, rows[10].Hash), await retention.PrunedThroughAsync(Ct));
        Assert.Equal(Enumerable.Range(12, 13).Select(i => (long)i), (await store.AllAsync()).Select(e => e.Seq));
        var verification = await seeded.VerifyAsync(seeded.Anchors());
        Assert.True(verification.Ok, verification.Detail);
        Assert.Equal((13L, 24L, 3L), (verification.EventsVerified, verification.LastSeq, verification.CheckpointsVerified));

        // The chain goes on from the remaining tip.
        await using var appender = store.OpenAppender(_time);
        var next = await appender.AppendAsync(Event("decision.evaluated", "carol"), Ct);
        Assert.Equal((25L, rows[^1].Hash), (next.Seq, next.PrevHash));
        Assert.True((await seeded.VerifyAsync()).Ok);
    }

    [Fact]
    public async Task Prune_OnlyEverMovesTheStartForward()
    {
        var store = await OpenStoreAsync(_time);
        using var seeded = await CheckpointedStore.SeedAsync(store, _time);
        var rows = await store.AuditRowsAsync();
        var retention = store.Retention(_time);

        Assert.Equal(11, (await retention.PruneAsync(Now.AddMinutes(10), Ct)).Count);
        Assert.Equal(new PruneResult(0, 0, null), await retention.PruneAsync(Now.AddMinutes(5), Ct));
        Assert.Equal((11L, rows[10].Hash), await retention.PrunedThroughAsync(Ct));
        Assert.Equal(new PruneResult(12, 23, rows[22].Hash), await retention.PruneAsync(Now.AddMinutes(30), Ct));

        Assert.Equal((23L, rows[22].Hash), await retention.PrunedThroughAsync(Ct));
        Assert.Equal([24L], (await store.AllAsync()).Select(e => e.Seq));
        var verification = await seeded.VerifyAsync();
        Assert.True(verification.Ok, verification.Detail);
    }

    [Fact]
    public async Task Prune_WithoutACheckpointBeforeTheDate_DeletesNothing()
    {
        var store = await OpenStoreAsync(_time);
        using var seeded = await CheckpointedStore.SeedAsync(store, _time);
        var retention = store.Retention(_time);

        Assert.Equal(new PruneResult(0, 0, null), await retention.PruneAsync(Now.AddMinutes(4), Ct));
        Assert.Null(await retention.PrunedThroughAsync(Ct));
        Assert.Equal(24, (await store.AllAsync()).Count);
    }

    [Fact]
    public async Task Prune_UnderAnyLegalHold_IsRefused()
    {
        var store = await OpenStoreAsync(_time);
        using var seeded = await CheckpointedStore.SeedAsync(store, _time);
        var retention = store.Retention(_time);
        await retention.PlaceHoldAsync("user-3", "case 9", Ct);

        await Assert.ThrowsAsync<LegalHoldException>(() => retention.PruneAsync(Now.AddDays(1), Ct));

        Assert.Equal(24, (await store.AllAsync()).Count);
        Assert.Null(await retention.PrunedThroughAsync(Ct));
        Assert.True(await retention.LiftHoldAsync("user-3", Ct));
        Assert.Equal(23, (await retention.PruneAsync(Now.AddDays(1), Ct)).ThroughSeq);
    }
}
