using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The contract of <see cref="IAuditForwardReader"/>: filtered forward reads between two seqs, oldest first.</summary>
public abstract class AuditForwardReaderContract(IStoreProvider provider) : AuditContract(provider)
{
    // `count` events one second apart (or, when time does not matter, in calls of 100); subject,
    // type and app vary on their own periods.
    private async Task<(AuditStore Store, List<AuditEvent> Events)> SeedAsync(int count, bool oneSecondApart = true)
    {
        var clock = new ManualTimeProvider(Now);
        var store = await OpenStoreAsync(clock);
        var events = new List<AuditEvent>();
        await using (var appender = store.OpenAppender(clock))
        {
            var step = oneSecondApart ? 1 : 100;
            for (var first = 0; first < count; first += step)
            {
                events.AddRange(await appender.AppendAsync(
                    Enumerable.Range(first, Math.Min(step, count - first)).Select(Draft).ToList(), Ct));
                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return (store, events);
    }

    private static AuditEventDraft Draft(int i) => new()
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
    };

    private static async Task<List<AuditEvent>> ReadAsync(AuditStore store, AuditQuery filter, long after = 0, long through = long.MaxValue)
    {
        var events = new List<AuditEvent>();
        await foreach (var evt in store.ForwardReader.ReadForwardAsync(filter, after, through, Ct))
        {
            events.Add(evt);
        }

        return events;
    }

    [Fact]
    public async Task ReadForward_Everything_IsOldestFirst_AcrossChunks_AndVerifies()
    {
        var (store, events) = await SeedAsync(1203, oneSecondApart: false);
        var read = await ReadAsync(store, new AuditQuery());
        var stored = (await store.AllAsync()).Select(e => e.ToJson()).ToList();

        Assert.Equal(events.Select(e => e.Seq), read.Select(e => e.Seq));
        var verifier = new AuditChainVerifier();
        Assert.All(read, e => Assert.True(verifier.Add(e)));
        Assert.Equal(stored, read.Select(e => e.ToJson()));
    }

    [Fact]
    public async Task ReadForward_AfterAndThrough_AreExclusiveAndInclusive()
    {
        var (store, _) = await SeedAsync(20);
        var read = await ReadAsync(store, new AuditQuery(), after: 5, through: 12);
        Assert.Equal(Enumerable.Range(6, 7).Select(i => (long)i), read.Select(e => e.Seq));
        Assert.Empty(await ReadAsync(store, new AuditQuery(), after: 12, through: 12));
        Assert.Empty(await ReadAsync(store, new AuditQuery(), after: 20));
    }

    [Fact]
    public async Task ReadForward_Filters_AreExactMatches_Combined()
    {
        var (store, events) = await SeedAsync(1100, oneSecondApart: false);
        var read = await ReadAsync(store, new AuditQuery { Subject = "user-1", App = "admin-portal", Type = "decision.evaluated" });
        var expected = events.Where(e =>
            e.Payload["subject"]!["id"]!.GetValue<string>() == "user-1" &&
            e.Payload["app"]!.GetValue<string>() == "admin-portal" &&
            e.Type == "decision.evaluated").Select(e => e.Seq).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, read.Select(e => e.Seq));
        Assert.Equal(events.Count(e => e.Payload["context"]!["ip"]!.GetValue<string>() == "10.0.0.3"),
            (await ReadAsync(store, new AuditQuery { Ip = "10.0.0.3" })).Count);
        Assert.Equal(events.Count(e => e.Payload["subject"]!["session_id"]!.GetValue<string>() == "s-2" && e.Payload["outcome"]!.GetValue<string>() == "failure"),
            (await ReadAsync(store, new AuditQuery { Session = "s-2", Outcome = "failure" })).Count);
        Assert.Empty(await ReadAsync(store, new AuditQuery { Action = "nothing.like.this" }));
    }

    [Fact]
    public async Task ReadForward_TimeWindow_IsSinceInclusive_UntilExclusive()
    {
        var (store, events) = await SeedAsync(60);
        var since = Now.AddSeconds(10);
        var until = Now.AddSeconds(20);
        var read = await ReadAsync(store, new AuditQuery { Since = since, Until = until });

        Assert.Equal(events.Where(e => e.Time >= since && e.Time < until).Select(e => e.Seq), read.Select(e => e.Seq));
        Assert.Equal(10, read.Count);
        Assert.Equal(11, read[0].Seq);

        Assert.Empty(await ReadAsync(store, new AuditQuery { Since = Now.AddHours(1) }));
        Assert.Empty(await ReadAsync(store, new AuditQuery { Until = Now }));
        Assert.Equal(60, (await ReadAsync(store, new AuditQuery { Since = Now.AddHours(-1), Until = Now.AddHours(1) })).Count);
        Assert.Equal([13L, 14, 15], (await ReadAsync(store, new AuditQuery { Since = since, Until = until }, after: 12, through: 15)).Select(e => e.Seq));
    }

    [Fact]
    public async Task ReadForward_TimeWindowAndSubject_MatchesTheEventsApi()
    {
        var (store, _) = await SeedAsync(300);
        var filter = new AuditQuery { Subject = "user-2", Since = Now.AddSeconds(100), Until = Now.AddSeconds(200), Limit = 1000 };
        var forward = await ReadAsync(store, filter);
        var page = await store.Reader.QueryAsync(filter, Ct);

        Assert.Equal(25, forward.Count);
        Assert.Equal(page.Events.Select(e => e.Seq).Reverse(), forward.Select(e => e.Seq));
    }
}
