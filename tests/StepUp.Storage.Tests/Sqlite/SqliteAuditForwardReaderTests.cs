using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Sqlite;

public sealed class SqliteAuditForwardReaderTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    // `count` events one second apart; subject, type and app vary on their own periods.
    private async Task<(SqliteAuditForwardReader Reader, List<AuditEvent> Events, SqliteDatabase Database)> SeedAsync(int count)
    {
        var clock = new ManualTimeProvider(TempDirectory.Epoch);
        var database = temp.OpenDatabase(clock);
        var events = new List<AuditEvent>();
        await using (var appender = new SqliteAuditAppender(database, clock))
        {
            for (var i = 0; i < count; i++)
            {
                events.Add(await appender.AppendAsync(new AuditEventDraft
                {
                    Type = i % 3 == 0 ? "stepup.challenge.failed" : "decision.evaluated",
                    Payload = new JsonObject
                    {
                        ["outcome"] = i % 3 == 0 ? "failure" : "success",
                        ["app"] = i % 2 == 0 ? "payments-api" : "admin-portal",
                        ["subject"] = new JsonObject { ["id"] = $"user-{i % 4}", ["session_id"] = $"s-{i % 5}" },
                        ["action"] = "payments.transfer",
                        ["context"] = new JsonObject { ["ip"] = $"10.0.0.{i % 6}" },
                    },
                }, TestContext.Current.CancellationToken));
                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return (new SqliteAuditForwardReader(database), events, database);
    }

    private static async Task<List<AuditEvent>> ReadAsync(SqliteAuditForwardReader reader, AuditQuery filter, long after = 0, long through = long.MaxValue)
    {
        var events = new List<AuditEvent>();
        await foreach (var evt in reader.ReadForwardAsync(filter, after, through, TestContext.Current.CancellationToken))
        {
            events.Add(evt);
        }

        return events;
    }

    [Fact]
    public async Task ReadForward_Everything_IsOldestFirst_AcrossChunks_AndVerifies()
    {
        var (reader, events, database) = await SeedAsync(1203);
        var read = await ReadAsync(reader, new AuditQuery());
        var stored = new List<string>();
        await foreach (var evt in new SqliteAuditReader(database).ReadRangeAsync(1, TestContext.Current.CancellationToken))
        {
            stored.Add(evt.ToJson());
        }

        Assert.Equal(events.Select(e => e.Seq), read.Select(e => e.Seq));
        var verifier = new AuditChainVerifier();
        Assert.All(read, e => Assert.True(verifier.Add(e)));
        Assert.Equal(stored, read.Select(e => e.ToJson()));
    }

    [Fact]
    public async Task ReadForward_AfterAndThrough_AreExclusiveAndInclusive()
    {
        var (reader, _, _) = await SeedAsync(20);
        var read = await ReadAsync(reader, new AuditQuery(), after: 5, through: 12);
        Assert.Equal(Enumerable.Range(6, 7).Select(i => (long)i), read.Select(e => e.Seq));
        Assert.Empty(await ReadAsync(reader, new AuditQuery(), after: 12, through: 12));
        Assert.Empty(await ReadAsync(reader, new AuditQuery(), after: 20));
    }

    [Fact]
    public async Task ReadForward_Filters_AreExactMatches_Combined()
    {
        var (reader, events, _) = await SeedAsync(1100);
        var read = await ReadAsync(reader, new AuditQuery { Subject = "user-1", App = "admin-portal", Type = "decision.evaluated" });
        var expected = events.Where(e =>
            e.Payload["subject"]!["id"]!.GetValue<string>() == "user-1" &&
            e.Payload["app"]!.GetValue<string>() == "admin-portal" &&
            e.Type == "decision.evaluated").Select(e => e.Seq).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, read.Select(e => e.Seq));
        Assert.Equal(events.Count(e => e.Payload["context"]!["ip"]!.GetValue<string>() == "10.0.0.3"),
            (await ReadAsync(reader, new AuditQuery { Ip = "10.0.0.3" })).Count);
        Assert.Equal(events.Count(e => e.Payload["subject"]!["session_id"]!.GetValue<string>() == "s-2" && e.Payload["outcome"]!.GetValue<string>() == "failure"),
            (await ReadAsync(reader, new AuditQuery { Session = "s-2", Outcome = "failure" })).Count);
        Assert.Empty(await ReadAsync(reader, new AuditQuery { Action = "nothing.like.this" }));
    }

    [Fact]
    public async Task ReadForward_TimeWindow_IsSinceInclusive_UntilExclusive()
    {
        var (reader, events, _) = await SeedAsync(60);
        var since = TempDirectory.Epoch.AddSeconds(10);
        var until = TempDirectory.Epoch.AddSeconds(20);
        var read = await ReadAsync(reader, new AuditQuery { Since = since, Until = until });

        Assert.Equal(events.Where(e => e.Time >= since && e.Time < until).Select(e => e.Seq), read.Select(e => e.Seq));
        Assert.Equal(10, read.Count);
        Assert.Equal(11, read[0].Seq);

        Assert.Empty(await ReadAsync(reader, new AuditQuery { Since = TempDirectory.Epoch.AddHours(1) }));
        Assert.Empty(await ReadAsync(reader, new AuditQuery { Until = TempDirectory.Epoch }));
        Assert.Equal(60, (await ReadAsync(reader, new AuditQuery { Since = TempDirectory.Epoch.AddHours(-1), Until = TempDirectory.Epoch.AddHours(1) })).Count);
        Assert.Equal([13L, 14, 15], (await ReadAsync(reader, new AuditQuery { Since = since, Until = until }, after: 12, through: 15)).Select(e => e.Seq));
    }

    [Fact]
    public async Task ReadForward_TimeWindowAndSubject_MatchesTheEventsApi()
    {
        var (reader, _, database) = await SeedAsync(300);
        var filter = new AuditQuery { Subject = "user-2", Since = TempDirectory.Epoch.AddSeconds(100), Until = TempDirectory.Epoch.AddSeconds(200), Limit = 1000 };
        var forward = await ReadAsync(reader, filter);
        var page = await new SqliteAuditReader(database).QueryAsync(filter, TestContext.Current.CancellationToken);

        Assert.Equal(25, forward.Count);
        Assert.Equal(page.Events.Select(e => e.Seq).Reverse(), forward.Select(e => e.Seq));
    }
}
