using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Reports;
using StepUp.Storage.Reports;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Reports;

public sealed class Soc2ReportCollectorTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static readonly DateTimeOffset From = TempDirectory.Epoch.AddMinutes(30);
    private static readonly DateTimeOffset To = TempDirectory.Epoch.AddMinutes(150);

    /// <summary>200 events a minute apart: decisions (every third a step-up with a challenge, half of those verified), policy loads and alerts.</summary>
    private async Task<SqliteDatabase> SeedAsync()
    {
        var clock = new ManualTimeProvider(TempDirectory.Epoch);
        var database = temp.OpenDatabase(clock);
        await using var appender = new SqliteAuditAppender(database, clock);
        for (var i = 0; i < 200; i++)
        {
            var draft = (i % 10) switch
            {
                9 => new AuditEventDraft { Type = AuditEventTypes.PolicyLoaded, Payload = new JsonObject { ["policy_version"] = $"v{i}" } },
                8 => new AuditEventDraft { Type = AuditEventTypes.AlertDelivery, Payload = new JsonObject { ["outcome"] = i % 20 == 8 ? "success" : "failure" } },
                7 => new AuditEventDraft { Type = AuditEventTypes.ChallengeVerified, Payload = new JsonObject { ["challenge"] = new JsonObject { ["id"] = $"ch_{i - 4}" } } },
                _ when i % 3 == 0 => new AuditEventDraft
                {
                    Type = AuditEventTypes.DecisionEvaluated,
                    Payload = new JsonObject { ["decision"] = new JsonObject { ["effect"] = "step_up" }, ["challenge"] = new JsonObject { ["id"] = $"ch_{i}" } },
                },
                _ => new AuditEventDraft { Type = AuditEventTypes.DecisionEvaluated, Payload = new JsonObject { ["decision"] = new JsonObject { ["effect"] = "allow" } } },
            };
            await appender.AppendAsync(draft, TestContext.Current.CancellationToken);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        return database;
    }

    private static Task<Soc2ReportInput> CollectAsync(SqliteDatabase database, int seed)
    {
        var reader = new SqliteAuditReader(database);
        return Soc2ReportCollector.CollectAsync(reader, new AuditStoreVerifier(reader), From, To, To, seed, "audit-k", "db", TestContext.Current.CancellationToken);
    }

    private static async Task<List<AuditEvent>> AllAsync(SqliteDatabase database)
    {
        var events = new List<AuditEvent>();
        await foreach (var evt in new SqliteAuditReader(database).ReadRangeAsync(1, TestContext.Current.CancellationToken))
        {
            events.Add(evt);
        }

        return events;
    }

    [Fact]
    public async Task Collect_OnePass_GivesTheFiguresOfTheWholeWindow_AndVerifiesTheChain()
    {
        var database = await SeedAsync();
        var all = await AllAsync(database);

        var input = await CollectAsync(database, seed: 5);

        var expected = ComplianceEvidence.Collect(all, From, To);
        Assert.Equal(expected with { PolicyChanges = [] }, input.Evidence with { PolicyChanges = [] });
        Assert.Equal(expected.PolicyChanges, input.Evidence.PolicyChanges);
        Assert.Equal(120, input.Evidence.EventsInWindow);
        Assert.True(input.Evidence.StepUpSatisfied > 0 && input.Evidence.StepUpUnsatisfied > 0);
        Assert.True(input.Chain.Ok, input.Chain.Reason);
        Assert.Equal(200, input.Chain.EventsVerified);
    }

    [Fact]
    public async Task Collect_Sample_IsDeterministicPerSeed_AndDrawnFromTheWindow()
    {
        var database = await SeedAsync();
        var window = (await AllAsync(database)).Where(e => e.Time >= From && e.Time < To).ToList();

        var first = (await CollectAsync(database, seed: 5)).Sample.Select(e => e.Seq).ToList();
        var again = (await CollectAsync(database, seed: 5)).Sample.Select(e => e.Seq).ToList();
        var other = (await CollectAsync(database, seed: 6)).Sample.Select(e => e.Seq).ToList();

        Assert.Equal(EvidenceSample.DefaultSize, first.Distinct().Count());
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(first.Order(), first);
        Assert.All(first, seq => Assert.Contains(window, e => e.Seq == seq));
        Assert.Equal(EvidenceSample.Draw(window, 5).Select(e => e.Seq), first);
    }

    [Fact]
    public async Task Collect_UnreadableRow_IsSkipped_AndTheChainSaysWhy()
    {
        var database = await SeedAsync();
        RawSql.Execute(database, "DROP TRIGGER IF EXISTS audit_events_append_only; UPDATE audit_events SET time = 'garbage' WHERE seq = 50;");

        var input = await CollectAsync(database, seed: 5);

        Assert.Equal(119, input.Evidence.EventsInWindow);
        Assert.False(input.Chain.Ok);
        Assert.Equal(50, input.Chain.FirstBadSeq);
    }
}
