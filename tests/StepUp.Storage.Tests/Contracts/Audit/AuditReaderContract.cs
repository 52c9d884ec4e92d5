using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The contract of <see cref="IAuditReader"/>: filtered pages newest first with opaque cursors, ranges oldest first, the head.</summary>
public abstract class AuditReaderContract(IStoreProvider provider) : AuditContract(provider)
{
    private sealed record Seeded(long Seq, string Type, string Subject, string Session, string Action, string Outcome, string Ip, string App, DateTimeOffset Time);

    private static readonly string[] Types = ["decision.evaluated", "stepup.challenge.failed", "elevation.granted"];
    private static readonly string[] Apps = ["payments-api", "admin-portal"];

    // `count` events, one per second, with every filterable field varying on its own period.
    private async Task<(IAuditReader Reader, List<Seeded> Seeded)> SeedAsync(int count = 60)
    {
        var clock = new ManualTimeProvider(Now);
        var store = await OpenStoreAsync(clock);
        var seeded = new List<Seeded>();
        await using (var appender = store.OpenAppender(clock))
        {
            for (var i = 0; i < count; i++)
            {
                var s = new Seeded(i + 1, Types[i % 3], $"user-{i % 4}", $"s-{i % 5}", i % 2 == 0 ? "payments.transfer" : "apikeys.create",
                    i % 3 == 1 ? "failure" : "success", $"10.0.0.{i % 6}", Apps[i % 2 == 0 ? 0 : (i / 2) % 2], clock.Now);
                var evt = await appender.AppendAsync(new AuditEventDraft
                {
                    Type = s.Type,
                    Payload = new JsonObject
                    {
                        ["outcome"] = s.Outcome,
                        ["app"] = s.App,
                        ["subject"] = new JsonObject { ["id"] = s.Subject, ["session_id"] = s.Session },
                        ["action"] = s.Action,
                        ["context"] = new JsonObject { ["ip"] = s.Ip },
                    },
                }, Ct);
                Assert.Equal(s.Seq, evt.Seq);
                seeded.Add(s);
                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return (store.Reader, seeded);
    }

    private static async Task<List<AuditEvent>> ReadAllPagesAsync(IAuditReader reader, AuditQuery query)
    {
        var all = new List<AuditEvent>();
        var pages = 0;
        while (true)
        {
            var page = await reader.QueryAsync(query, Ct);
            Assert.InRange(page.Events.Count, 0, query.Limit);
            all.AddRange(page.Events);
            Assert.True(++pages < 1000);
            if (page.NextCursor is null)
            {
                return all;
            }

            Assert.Equal(query.Limit, page.Events.Count);
            query = query with { Cursor = page.NextCursor };
        }
    }

    public static TheoryData<string> Filters => ["type", "subject", "session", "action", "outcome", "ip", "app", "since", "until", "since+until", "combined"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task QueryAsync_AppliesEachFilter_NewestFirst(string filter)
    {
        var (reader, seeded) = await SeedAsync();
        var t20 = Now.AddSeconds(20);
        var t45 = Now.AddSeconds(45);
        (AuditQuery Query, Func<Seeded, bool> Match) c = filter switch
        {
            "type" => (new AuditQuery { Type = "stepup.challenge.failed" }, s => s.Type == "stepup.challenge.failed"),
            "subject" => (new AuditQuery { Subject = "user-2" }, s => s.Subject == "user-2"),
            "session" => (new AuditQuery { Session = "s-3" }, s => s.Session == "s-3"),
            "action" => (new AuditQuery { Action = "apikeys.create" }, s => s.Action == "apikeys.create"),
            "outcome" => (new AuditQuery { Outcome = "failure" }, s => s.Outcome == "failure"),
            "ip" => (new AuditQuery { Ip = "10.0.0.5" }, s => s.Ip == "10.0.0.5"),
            "app" => (new AuditQuery { App = "admin-portal" }, s => s.App == "admin-portal"),
            "since" => (new AuditQuery { Since = t20 }, s => s.Time >= t20),
            "until" => (new AuditQuery { Until = t20 }, s => s.Time < t20),
            "since+until" => (new AuditQuery { Since = t20, Until = t45 }, s => s.Time >= t20 && s.Time < t45),
            _ => (new AuditQuery { Subject = "user-0", Outcome = "success", Since = t20 }, s => s.Subject == "user-0" && s.Outcome == "success" && s.Time >= t20),
        };
        var expected = seeded.Where(c.Match).Select(s => s.Seq).OrderDescending().ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < seeded.Count);

        var page = await reader.QueryAsync(c.Query, Ct);

        Assert.Equal(expected, page.Events.Select(e => e.Seq));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task QueryAsync_TimeWindowsOutsideTheChain_AreEmpty()
    {
        var (reader, _) = await SeedAsync(5);

        Assert.Empty((await reader.QueryAsync(new AuditQuery { Since = Now.AddHours(1) }, Ct)).Events);
        Assert.Empty((await reader.QueryAsync(new AuditQuery { Until = Now }, Ct)).Events);
        Assert.Empty((await reader.QueryAsync(new AuditQuery { Since = Now.AddSeconds(3), Until = Now.AddSeconds(2) }, Ct)).Events);
        Assert.Equal(5, (await reader.QueryAsync(new AuditQuery { Since = Now.AddHours(-1), Until = Now.AddHours(1) }, Ct)).Events.Count);
    }

    [Fact]
    public async Task QueryAsync_WithoutFilters_ReturnsTheNewestHundred()
    {
        var (reader, _) = await SeedAsync(130);

        var page = await reader.QueryAsync(new AuditQuery(), Ct);

        Assert.Equal(Enumerable.Range(31, 100).Reverse().Select(i => (long)i), page.Events.Select(e => e.Seq));
        Assert.NotNull(page.NextCursor);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(59)]
    [InlineData(60)]
    [InlineData(1000)]
    public async Task QueryAsync_CursorPaging_VisitsEveryEventOnce(int limit)
    {
        var (reader, seeded) = await SeedAsync();

        var all = await ReadAllPagesAsync(reader, new AuditQuery { Limit = limit });

        Assert.Equal(seeded.Select(s => s.Seq).OrderDescending(), all.Select(e => e.Seq));
    }

    [Fact]
    public async Task QueryAsync_CursorPaging_WithAFilter_VisitsEveryMatchOnce()
    {
        var (reader, seeded) = await SeedAsync();

        var all = await ReadAllPagesAsync(reader, new AuditQuery { App = "payments-api", Limit = 4 });

        Assert.Equal(seeded.Where(s => s.App == "payments-api").Select(s => s.Seq).OrderDescending(), all.Select(e => e.Seq));
    }

    [Fact]
    public async Task QueryAsync_CursorPaging_IsStableWhileNewEventsArrive()
    {
        var clock = new ManualTimeProvider(Now);
        var store = await OpenStoreAsync(clock);
        await using var appender = store.OpenAppender(clock);
        await appender.AppendAsync(Enumerable.Range(0, 20).Select(_ => new AuditEventDraft { Type = "policy.loaded" }).ToList(), Ct);

        var first = await store.Reader.QueryAsync(new AuditQuery { Limit = 8 }, Ct);
        await appender.AppendAsync(new AuditEventDraft { Type = "policy.loaded" }, Ct);
        var second = await store.Reader.QueryAsync(new AuditQuery { Limit = 8, Cursor = first.NextCursor }, Ct);

        Assert.Equal(Enumerable.Range(13, 8).Reverse().Select(i => (long)i), first.Events.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(5, 8).Reverse().Select(i => (long)i), second.Events.Select(e => e.Seq));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("AQAAAAAAAAAK")] // valid shape
    [InlineData("AgAAAAAAAAAK")] // unknown version
    [InlineData("AQAAAAAAAAAA")] // seq 0
    [InlineData("AQAAAAAAAAAK==")]
    [InlineData("AQAAAAAAAAA")] // truncated
    [InlineData(" AQAAAAAAAAAK")]
    [InlineData("AQ+AAAAAAAAK")]
    [InlineData("gAAAAAAAAAAAAAAA")]
    public async Task QueryAsync_RejectsMalformedCursors(string cursor)
    {
        var (reader, _) = await SeedAsync(3);
        if (AuditCursor.TryDecode(cursor, out var seq))
        {
            // The one well-formed case in the table must work, so the others fail for their defect.
            Assert.Equal(10, seq);
            var page = await reader.QueryAsync(new AuditQuery { Cursor = cursor }, Ct);
            Assert.Equal([3L, 2L, 1L], page.Events.Select(e => e.Seq));
            return;
        }

        var error = await Assert.ThrowsAsync<InvalidAuditQueryException>(() => reader.QueryAsync(new AuditQuery { Cursor = cursor }, Ct));
        Assert.Equal("cursor", error.Parameter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public async Task QueryAsync_RejectsLimitsOutside1To1000(int limit)
    {
        var (reader, _) = await SeedAsync(3);

        var error = await Assert.ThrowsAsync<InvalidAuditQueryException>(() => reader.QueryAsync(new AuditQuery { Limit = limit }, Ct));

        Assert.Equal("limit", error.Parameter);
    }

    [Fact]
    public async Task ReadRangeAsync_StreamsOldestFirst_AcrossChunks()
    {
        var store = await OpenStoreAsync();
        await using (var appender = store.OpenAppender(TimeProvider.System))
        {
            await appender.AppendAsync(Enumerable.Range(0, 1234).Select(i => new AuditEventDraft
            {
                Type = "decision.evaluated",
                Payload = new JsonObject { ["n"] = i },
            }).ToList(), Ct);
        }

        var all = new List<long>();
        await foreach (var evt in store.Reader.ReadRangeAsync(1, Ct))
        {
            Assert.Equal(evt.Seq - 1, (long)evt.Payload["n"]!);
            all.Add(evt.Seq);
        }

        var tail = new List<long>();
        await foreach (var evt in store.Reader.ReadRangeAsync(1000, Ct))
        {
            tail.Add(evt.Seq);
        }

        Assert.Equal(Enumerable.Range(1, 1234).Select(i => (long)i), all);
        Assert.Equal(Enumerable.Range(1000, 235).Select(i => (long)i), tail);
    }

    [Fact]
    public async Task GetHeadAsync_ReturnsTheLastEvent_OrGenesisWhenEmpty()
    {
        var store = await OpenStoreAsync();
        Assert.Equal(AuditHead.Empty, await store.Reader.GetHeadAsync(Ct));

        await using var appender = store.OpenAppender(TimeProvider.System);
        var events = await appender.AppendAsync([new AuditEventDraft { Type = "policy.loaded" }, new AuditEventDraft { Type = "policy.loaded" }], Ct);

        Assert.Equal(new AuditHead(2, events[1].Hash, events[1].Time), await store.Reader.GetHeadAsync(Ct));
    }

    [Fact]
    public async Task Events_ReadBack_MatchWhatWasAppended()
    {
        var (reader, _) = await SeedAsync(5);

        var page = await reader.QueryAsync(new AuditQuery { Limit = 5 }, Ct);
        var lines = page.Events.Select(e => e.ToJson()).ToList();

        Assert.All(page.Events, e => Assert.Equal(e.Hash, AuditChain.Hash(e)));
        Assert.All(page.Events, e => Assert.Equal(e.PayloadDigest, AuditChain.PayloadDigest(e.Payload)));
        Assert.All(lines, line => Assert.StartsWith("{\"seq\":", line));
        Assert.Contains("\"subject\":{\"id\":\"user-0\",\"session_id\":\"s-0\"}", lines[^1]);
    }
}
