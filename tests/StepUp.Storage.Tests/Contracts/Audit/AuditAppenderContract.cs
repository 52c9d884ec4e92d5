using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The contract of <see cref="IAuditAppender"/>: a gap-free chain, group commits, failures confined to their callers.</summary>
public abstract class AuditAppenderContract(IStoreProvider provider) : AuditContract(provider)
{
    internal static AuditEventDraft Draft(int n, string type = "decision.evaluated", string? id = null) => new()
    {
        Type = type,
        Id = id,
        Payload = new JsonObject
        {
            ["outcome"] = n % 5 == 0 ? "failure" : "success",
            ["app"] = "payments-api",
            ["subject"] = new JsonObject { ["id"] = $"user-{n % 7}", ["session_id"] = $"s-{n}" },
            ["action"] = "payments.transfer",
            ["resource"] = new JsonObject { ["type"] = "transfer", ["id"] = $"t-{n}", ["attributes"] = new JsonObject { ["amount"] = n * 10.5 } },
            ["context"] = new JsonObject { ["ip"] = "81.2.69.142", ["user_agent"] = "M\u00fcller/1.0 \"quoted\" \u2603 \U0001F600" },
            ["n"] = n,
        },
    };

    // Recomputes digest and hash from the raw row with nothing but SHA-256 and string formatting.
    internal static void AssertRowIsChained(AuditRow row, string expectedPrevHash)
    {
        Assert.NotNull(row.Payload);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(row.Payload))), row.PayloadDigest);
        Assert.Matches("^[A-Za-z0-9_-]+$", row.Id);
        Assert.Matches("^[a-z0-9_.]+$", row.Type);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", row.Time);
        Assert.True(AuditTime.TryParse(row.Time, out var time));
        Assert.Equal(time.ToUnixTimeMilliseconds(), row.TimeMs);
        var envelope = $"{{\"id\":\"{row.Id}\",\"payload_digest\":\"{row.PayloadDigest}\",\"prev_hash\":\"{row.PrevHash}\"," +
                       $"\"seq\":{row.Seq},\"time\":\"{row.Time}\",\"type\":\"{row.Type}\"}}";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(envelope))), row.Hash);
        Assert.Equal(expectedPrevHash, row.PrevHash);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentCallers_GetAGaplessChainThatVerifiesIndependently()
    {
        var store = await OpenStoreAsync();
        var appended = new ConcurrentBag<AuditEvent>();
        await using (var appender = store.OpenAppender(new ManualTimeProvider(Now)))
        {
            var tasks = Enumerable.Range(0, 40).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    appended.Add(await appender.AppendAsync(Draft((worker * 50) + i), Ct));
                }
            }));
            await Task.WhenAll(tasks);

            Assert.Equal(2000, appender.EventsAppended);
            Assert.True(appender.Commits < 2000, $"expected group commits, got {appender.Commits} for 2000 events");
        }

        var rows = await store.AuditRowsAsync();
        Assert.Equal(Enumerable.Range(1, 2000).Select(i => (long)i), rows.Select(r => r.Seq));
        var prev = AuditChain.GenesisHash;
        foreach (var row in rows)
        {
            AssertRowIsChained(row, prev);
            prev = row.Hash;
        }

        var bySeq = appended.ToDictionary(e => e.Seq);
        Assert.Equal(2000, bySeq.Count);
        Assert.All(rows, row =>
        {
            var e = bySeq[row.Seq];
            Assert.Equal((row.Id, row.Hash, row.PrevHash, row.PayloadDigest, row.Time), (e.Id, e.Hash, e.PrevHash, e.PayloadDigest, e.TimeText));
            Assert.Equal(row.Payload, Jcs.CanonicalizeToString(e.Payload));
        });
        Assert.Equal(2000, rows.Select(r => r.Id).Distinct().Count());
        Assert.Equal(new AuditVerification(true, 2000, 2000, null, null), await store.VerifyAsync());
    }

    [Fact]
    public async Task AppendAsync_BatchesQueuedCallsIntoFewerCommits()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System, maxBatchSize: 64);

        var tasks = Enumerable.Range(0, 1000).Select(i => appender.AppendAsync(Draft(i), Ct)).ToList();
        var events = await Task.WhenAll(tasks);

        Assert.Equal(1000, appender.EventsAppended);
        Assert.InRange(appender.Commits, 1000 / 64, 999);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), events.Select(e => e.Seq).Order());
        Assert.True(appender.LastCommitLatency > TimeSpan.Zero);
        Assert.Equal(0, appender.QueueDepth);
    }

    [Fact]
    public async Task AppendAsync_ContinuesTheChainAfterARestart()
    {
        var clock = new ManualTimeProvider(Now);
        var store = await OpenStoreAsync(clock);
        AuditEvent last;
        await using (var first = store.OpenAppender(clock))
        {
            last = (await first.AppendAsync(Enumerable.Range(0, 10).Select(i => Draft(i)).ToList(), Ct))[^1];
        }

        var restarted = await OpenNodeAsync(store);
        await using (var second = restarted.OpenAppender(clock))
        {
            Assert.Equal(10, second.CommittedSeq);
            var next = await second.AppendAsync(Draft(10), Ct);

            Assert.Equal(11, next.Seq);
            Assert.Equal(last.Hash, next.PrevHash);
        }

        Assert.Equal(new AuditVerification(true, 11, 11, null, null), await restarted.VerifyAsync());
    }

    [Fact]
    public async Task AppendAsync_WithATinyQueue_MakesCallersWaitAndLosesNothing()
    {
        var store = await OpenStoreAsync();
        await using (var appender = store.OpenAppender(TimeProvider.System, queueCapacity: 1, maxBatchSize: 2))
        {
            var tasks = Enumerable.Range(0, 300).Select(i => Task.Run(() => appender.AppendAsync(Draft(i), Ct))).ToList();
            await Task.WhenAll(tasks);
        }

        var rows = await store.AuditRowsAsync();
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(0, 300), rows.Select(r => (int)JsonNode.Parse(r.Payload!)!["n"]!).Order());
    }

    [Fact]
    public async Task AppendAsync_SeveralDraftsOfOneCall_GetConsecutiveSeqsAmidOtherCallers()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System, maxBatchSize: 8);

        var singles = Enumerable.Range(0, 200).Select(i => appender.AppendAsync(Draft(i), Ct)).ToList();
        var groups = Enumerable.Range(0, 20).Select(g => appender.AppendAsync(
            Enumerable.Range(0, g == 0 ? 20 : 5).Select(i => Draft(1000 + (g * 100) + i)).ToList(), Ct)).ToList();
        await Task.WhenAll(singles);
        var results = await Task.WhenAll(groups);

        foreach (var group in results)
        {
            var seqs = group.Select(e => e.Seq).ToList();
            Assert.Equal(Enumerable.Range((int)seqs[0], seqs.Count).Select(s => (long)s), seqs);
            Assert.Equal(group.Select(e => (int)e.Payload["n"]!), group.Select(e => (int)e.Payload["n"]!).Order());
        }

        Assert.Equal(200 + 20 + (19 * 5), appender.EventsAppended);
    }

    [Fact]
    public async Task AppendAsync_StampsMillisecondUtcTime_ThatNeverGoesBackwards()
    {
        var clock = new ManualTimeProvider(Now.AddTicks(12_345));
        var store = await OpenStoreAsync(clock);
        await using var appender = store.OpenAppender(clock);

        var first = await appender.AppendAsync(Draft(1), Ct);
        clock.Advance(TimeSpan.FromHours(-1));
        var second = await appender.AppendAsync(Draft(2), Ct);
        clock.Advance(TimeSpan.FromHours(2));
        var third = await appender.AppendAsync(Draft(3), Ct);

        Assert.Equal("2026-11-22T08:00:00.001Z", first.TimeText);
        Assert.Equal(first.Time, second.Time);
        Assert.Equal("2026-11-22T09:00:00.001Z", third.TimeText);
        Assert.Equal(["2026-11-22T08:00:00.001Z", "2026-11-22T08:00:00.001Z", "2026-11-22T09:00:00.001Z"], (await store.AuditRowsAsync()).Select(r => r.Time));
    }

    [Fact]
    public async Task AppendAsync_KeepsTheCallersId_AndGeneratesUlidsOtherwise()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);

        var fixedId = EventId.New(TimeProvider.System);
        var withId = await appender.AppendAsync(Draft(1, id: fixedId), Ct);
        var generated = await appender.AppendAsync(Draft(2), Ct);

        Assert.Equal(fixedId, withId.Id);
        Assert.True(EventId.IsValid(generated.Id));
        Assert.NotEqual(fixedId, generated.Id);
    }

    [Fact]
    public async Task AppendAsync_AReusedIdFailsOnlyThatCaller_AndLeavesNoGap()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);
        await appender.AppendAsync(Draft(0, id: "dup"), Ct);

        var others = Enumerable.Range(1, 50).Select(i => appender.AppendAsync(Draft(i), Ct)).ToList();
        var duplicate = appender.AppendAsync(Draft(99, id: "dup"), Ct);
        var more = Enumerable.Range(51, 50).Select(i => appender.AppendAsync(Draft(i), Ct)).ToList();

        var error = await Assert.ThrowsAnyAsync<DbException>(() => duplicate);
        Assert.True(store.IsUniqueViolation(error), error.ToString());
        await Task.WhenAll(others.Concat(more));
        Assert.Equal(new AuditVerification(true, 101, 101, null, null), await store.VerifyAsync());
    }

    [Fact]
    public async Task AppendAsync_AfterAFailedCommit_ContinuesFromTheLastCommittedEvent()
    {
        var store = await OpenStoreAsync();
        await store.FailInsertsContainingAsync("boom");
        await using var appender = store.OpenAppender(TimeProvider.System);
        var first = await appender.AppendAsync(Draft(1), Ct);

        var error = await Assert.ThrowsAnyAsync<DbException>(() => appender.AppendAsync(new AuditEventDraft
        {
            Type = "decision.evaluated",
            Payload = new JsonObject { ["reason"] = "boom" },
        }, Ct));
        var next = await appender.AppendAsync(Draft(2), Ct);

        Assert.IsNotType<StorageUnavailableException>(error);
        Assert.Equal(2, next.Seq);
        Assert.Equal(first.Hash, next.PrevHash);
        Assert.Equal(2, (await store.AuditRowsAsync()).Count);
    }

    [Fact]
    public async Task AppendAsync_RejectsAMalformedDraftInTheCaller_WritingNothing()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => appender.AppendAsync(new AuditEventDraft { Type = "Bad Type" }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => appender.AppendAsync(
            new AuditEventDraft { Type = "decision.evaluated", Payload = new JsonObject { ["hash"] = "x" } }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => appender.AppendAsync(
            [Draft(1), new AuditEventDraft { Type = "decision.evaluated", Payload = new JsonObject { ["x"] = double.PositiveInfinity } }], Ct));

        Assert.Empty(await store.AuditRowsAsync());
    }

    [Fact]
    public async Task AppendAsync_StoresThePayloadsCanonicalText_WithoutNulls()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);

        await appender.AppendAsync(new AuditEventDraft
        {
            Type = "stepup.challenge.failed",
            Payload = new JsonObject
            {
                ["subject"] = new JsonObject { ["session_id"] = null, ["id"] = "alice" },
                ["reason"] = null,
                ["outcome"] = "failure",
                ["risk"] = new JsonObject { ["score"] = 40.0 },
            },
        }, Ct);

        var row = Assert.Single(await store.AuditRowsAsync());
        Assert.Equal("""{"outcome":"failure","risk":{"score":40},"subject":{"id":"alice"}}""", row.Payload);
        Assert.Equal("alice", await store.ScalarAsync("SELECT subject_id FROM audit_events"));
        Assert.Equal(DBNull.Value, await store.ScalarAsync("SELECT session_id FROM audit_events"));
    }

    [Fact]
    public async Task AppendAsync_StoresNonAsciiAndEscapesExactly()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);
        var text = "M\u00fcller \u2603 \U0001F600 \"q\" \\ \u0001 \u007f \u2028 <>&'";

        var evt = await appender.AppendAsync(new AuditEventDraft { Type = "decision.evaluated", Payload = new JsonObject { ["reason"] = text } }, Ct);

        var row = Assert.Single(await store.AuditRowsAsync());
        Assert.Equal(Jcs.CanonicalizeToString(new JsonObject { ["reason"] = text }), row.Payload);
        Assert.Equal(evt.PayloadDigest, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(row.Payload!))));
        Assert.Equal(text, (await store.AllAsync())[0].Payload["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task DisposeAsync_WritesEverythingQueued_ThenRefusesNewAppends()
    {
        var store = await OpenStoreAsync();
        var appender = store.OpenAppender(TimeProvider.System);
        var tasks = Enumerable.Range(0, 500).Select(i => appender.AppendAsync(Draft(i), Ct)).ToList();

        await appender.DisposeAsync();

        // Committed before DisposeAsync returned; the callers' continuations may still be running.
        Assert.Equal(500, (await store.AuditRowsAsync()).Count);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), (await Task.WhenAll(tasks)).Select(e => e.Seq).Order());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => appender.AppendAsync(Draft(1), Ct));
        await appender.DisposeAsync();
    }

    [Fact]
    public async Task AppendAsync_TwoWritersOnOneStore_DoNotForkTheChain()
    {
        var store = await OpenStoreAsync();
        var node = await OpenNodeAsync(store);
        await using var a = store.OpenAppender(TimeProvider.System);
        await using var b = node.OpenAppender(TimeProvider.System);

        var events = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? a : b).AppendAsync(Draft(i), Ct)));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), events.Select(e => e.Seq).Order());
        Assert.Equal(new AuditVerification(true, 200, 200, null, null), await store.VerifyAsync());
    }

    [Fact]
    public async Task CommitObserved_IsCalledOncePerCommit_WithTheLatencyTheStatsReport()
    {
        var observed = new ConcurrentQueue<TimeSpan>();
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);
        Assert.Null(appender.CommitObserved);
        appender.CommitObserved = observed.Enqueue;

        await Task.WhenAll(Enumerable.Range(0, 50).Select(n => appender.AppendAsync(Draft(n), Ct)));
        await appender.AppendAsync(Draft(50), Ct);

        Assert.Equal(appender.Commits, observed.Count);
        Assert.All(observed, latency => Assert.True(latency > TimeSpan.Zero));
        Assert.Equal(appender.LastCommitLatency, observed.Last());
    }
}
