using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Storage.Retention;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Retention;

public sealed class SqliteAuditRetentionTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private readonly ManualTimeProvider _time = new(TempDirectory.Epoch);

    private static AuditEventDraft Event(string type, string subject) => new()
    {
        Type = type,
        Payload = new JsonObject { ["outcome"] = "allow", ["subject"] = new JsonObject { ["id"] = subject }, ["action"] = "records.read" },
    };

    /// <summary>Appends events for alice and bob, a day apart: the first two are old.</summary>
    private async Task<(SqliteDatabase Db, SqliteAuditRetention Retention)> SeedAsync()
    {
        var db = temp.OpenDatabase(_time);
        await using (var appender = new SqliteAuditAppender(db, _time))
        {
            await appender.AppendAsync(Event("decision.evaluated", "alice"));
            await appender.AppendAsync(Event("policy.loaded", "bob"));
            _time.Advance(TimeSpan.FromDays(1));
            await appender.AppendAsync(Event("decision.evaluated", "alice"));
            await appender.AppendAsync(Event("decision.evaluated", "bob"));
            await appender.AppendAsync(Event(AuditEventTypes.AuditErased, "system"));
        }

        return (db, new SqliteAuditRetention(db, _time));
    }

    private static async Task<List<AuditEvent>> AllAsync(SqliteDatabase db)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in new SqliteAuditReader(db).ReadRangeAsync(1))
        {
            events.Add(e);
        }

        return events;
    }

    [Fact]
    public async Task EraseSubject_ErasesOnlyThatSubject_AndTheChainStillVerifies()
    {
        var (db, retention) = await SeedAsync();
        Assert.Equal(2, await retention.EraseSubjectAsync("alice"));
        var events = await AllAsync(db);
        Assert.Equal([true, false, true, false, false], events.Select(e => e.Erased));
        Assert.DoesNotContain("alice", string.Concat(events.Select(e => e.ToJson())), StringComparison.Ordinal);
        Assert.Contains("bob", events[3].ToJson(), StringComparison.Ordinal);
        var verification = await new AuditStoreVerifier(new SqliteAuditReader(db)).VerifyAsync();
        Assert.True(verification.Ok, verification.Reason);
        Assert.Equal(5, verification.EventsVerified);
        Assert.Equal(0, await retention.EraseSubjectAsync("alice"));
    }

    [Fact]
    public async Task EraseSubject_UnderLegalHold_IsRefused()
    {
        var (_, retention) = await SeedAsync();
        await retention.PlaceHoldAsync("alice", "case 42");
        await Assert.ThrowsAsync<LegalHoldException>(() => retention.EraseSubjectAsync("alice"));
        Assert.Equal(2, await retention.EraseSubjectAsync("bob"));

        Assert.True(await retention.LiftHoldAsync("alice"));
        await retention.PlaceHoldAsync(null, "litigation");
        await Assert.ThrowsAsync<LegalHoldException>(() => retention.EraseSubjectAsync("alice"));
        var holds = await retention.ListHoldsAsync();
        Assert.Equal("litigation", Assert.Single(holds).Reason);
        Assert.Null(holds[0].SubjectId);
    }

    [Fact]
    public async Task EraseOlderThan_ErasesOnlyOldEventsOfTheType()
    {
        var (db, retention) = await SeedAsync();
        var cutoff = TempDirectory.Epoch.AddHours(12);
        Assert.Equal(1, await retention.EraseOlderThanAsync("decision.evaluated", [], cutoff));
        Assert.Equal([true, false, false, false, false], (await AllAsync(db)).Select(e => e.Erased));
    }

    [Fact]
    public async Task EraseOlderThan_Default_SkipsExceptedProtectedAndHeld()
    {
        var (db, retention) = await SeedAsync();
        await retention.PlaceHoldAsync("bob", "case 7");
        var everything = TempDirectory.Epoch.AddDays(30);
        Assert.Equal(2, await retention.EraseOlderThanAsync(null, ["policy.loaded"], everything));
        // alice's two decisions erased; bob held; the audit.erased event is protected.
        Assert.Equal([true, false, true, false, false], (await AllAsync(db)).Select(e => e.Erased));
        Assert.True((await new AuditStoreVerifier(new SqliteAuditReader(db)).VerifyAsync()).Ok);
    }

    [Fact]
    public async Task EraseOlderThan_UnderGlobalHold_DoesNothing()
    {
        var (db, retention) = await SeedAsync();
        await retention.PlaceHoldAsync(null, "everything");
        Assert.Equal(0, await retention.EraseOlderThanAsync(null, [], TempDirectory.Epoch.AddDays(30)));
        Assert.All(await AllAsync(db), e => Assert.False(e.Erased));
    }
}
