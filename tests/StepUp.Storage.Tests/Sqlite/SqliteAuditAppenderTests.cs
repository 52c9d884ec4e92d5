using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Sqlite;

public sealed class SqliteAuditAppenderTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static AuditEventDraft Draft(int n, string type = "decision.evaluated", string? id = null) => new()
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
            ["context"] = new JsonObject { ["ip"] = "81.2.69.142", ["user_agent"] = "M\u00fcller/1.0 \"quoted\"" },
            ["n"] = n,
        },
    };

    // Recomputes digest and hash from the raw row with nothing but SHA-256 and string formatting.
    private static void AssertRowIsChained(RawSql.AuditRow row, string expectedPrevHash)
    {
        Assert.NotNull(row.Payload);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(row.Payload))), row.PayloadDigest);
        Assert.Matches("^[A-Za-z0-9_-]+$", row.Id);
        Assert.Matches("^[a-z0-9_.]+$", row.Type);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", row.Time);
        var envelope = $"{{\"id\":\"{row.Id}\",\"payload_digest\":\"{row.PayloadDigest}\",\"prev_hash\":\"{row.PrevHash}\"," +
                       $"\"seq\":{row.Seq},\"time\":\"{row.Time}\",\"type\":\"{row.Type}\"}}";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(envelope))), row.Hash);
        Assert.Equal(expectedPrevHash, row.PrevHash);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentCallers_GetAGaplessChainThatVerifiesIndependently()
    {
        var database = temp.OpenDatabase();
        var appended = new System.Collections.Concurrent.ConcurrentBag<AuditEvent>();
        await using (var appender = new SqliteAuditAppender(database, new ManualTimeProvider(TempDirectory.Epoch)))
        {
            var tasks = Enumerable.Range(0, 40).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    appended.Add(await appender.AppendAsync(Draft((worker * 50) + i), TestContext.Current.CancellationToken));
                }
            }));
            await Task.WhenAll(tasks);

            Assert.Equal(2000, appender.EventsAppended);
            Assert.True(appender.Commits < 2000, $"expected group commits, got {appender.Commits} for 2000 events");
        }

        var rows = RawSql.AuditRows(database);
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

        var verification = await new AuditStoreVerifier(new SqliteAuditReader(database)).VerifyAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(new AuditVerification(true, 2000, 2000, null, null), verification);
    }

    [Fact]
    public async Task AppendAsync_BatchesQueuedCallsIntoFewerCommits()
    {
        var database = temp.OpenDatabase();
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System, new SqliteAuditAppenderOptions { MaxBatchSize = 64 });

        var tasks = Enumerable.Range(0, 1000).Select(i => appender.AppendAsync(Draft(i), TestContext.Current.CancellationToken)).ToList();
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
        var path = temp.NewDatabasePath();
        var clock = new ManualTimeProvider(TempDirectory.Epoch);
        AuditEvent last;
        await using (var first = new SqliteAuditAppender(temp.OpenDatabase(clock, path), clock))
        {
            last = (await first.AppendAsync(Enumerable.Range(0, 10).Select(i => Draft(i)).ToList(), TestContext.Current.CancellationToken))[^1];
        }

        var database = temp.OpenDatabase(clock, path);
        await using (var second = new SqliteAuditAppender(database, clock))
        {
            var next = await second.AppendAsync(Draft(10), TestContext.Current.CancellationToken);

            Assert.Equal(11, next.Seq);
            Assert.Equal(last.Hash, next.PrevHash);
        }

        var verification = await new AuditStoreVerifier(new SqliteAuditReader(database)).VerifyAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(new AuditVerification(true, 11, 11, null, null), verification);
    }

    [Fact]
    public async Task AppendAsync_WithATinyQueue_MakesCallersWaitAndLosesNothing()
    {
        var database = temp.OpenDatabase();
        await using (var appender = new SqliteAuditAppender(database, TimeProvider.System, new SqliteAuditAppenderOptions { QueueCapacity = 1, MaxBatchSize = 2 }))
        {
            var tasks = Enumerable.Range(0, 300).Select(i => Task.Run(() => appender.AppendAsync(Draft(i), TestContext.Current.CancellationToken))).ToList();
            await Task.WhenAll(tasks);
        }

        var rows = RawSql.AuditRows(database);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(0, 300), rows.Select(r => (int)JsonNode.Parse(r.Payload!)!["n"]!).Order());
    }

    [Fact]
    public async Task AppendAsync_SeveralDraftsOfOneCall_GetConsecutiveSeqsAmidOtherCallers()
    {
        var database = temp.OpenDatabase();
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System, new SqliteAuditAppenderOptions { MaxBatchSize = 8 });

        var singles = Enumerable.Range(0, 200).Select(i => appender.AppendAsync(Draft(i), TestContext.Current.CancellationToken)).ToList();
        var groups = Enumerable.Range(0, 20).Select(g => appender.AppendAsync(
            Enumerable.Range(0, g == 0 ? 20 : 5).Select(i => Draft(1000 + (g * 100) + i)).ToList(), TestContext.Current.CancellationToken)).ToList();
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
        var clock = new ManualTimeProvider(TempDirectory.Epoch.AddTicks(12_345));
        var database = temp.OpenDatabase(clock);
        await using var appender = new SqliteAuditAppender(database, clock);

        var first = await appender.AppendAsync(Draft(1), TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromHours(-1));
        var second = await appender.AppendAsync(Draft(2), TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromHours(2));
        var third = await appender.AppendAsync(Draft(3), TestContext.Current.CancellationToken);

        Assert.Equal("2026-11-22T08:00:00.001Z", first.TimeText);
        Assert.Equal(first.Time, second.Time);
        Assert.Equal("2026-11-22T09:00:00.001Z", third.TimeText);
        Assert.Equal(["2026-11-22T08:00:00.001Z", "2026-11-22T08:00:00.001Z", "2026-11-22T09:00:00.001Z"], RawSql.AuditRows(database).Select(r => r.Time));
    }

    [Fact]
    public async Task AppendAsync_KeepsTheCallersId_AndGeneratesUlidsOtherwise()
    {
        var database = temp.OpenDatabase();
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System);

        var fixedId = EventId.New(TimeProvider.System);
        var withId = await appender.AppendAsync(Draft(1, id: fixedId), TestContext.Current.CancellationToken);
        var generated = await appender.AppendAsync(Draft(2), TestContext.Current.CancellationToken);

        Assert.Equal(fixedId, withId.Id);
        Assert.True(EventId.IsValid(generated.Id));
        Assert.NotEqual(fixedId, generated.Id);
    }

    [Fact]
    public async Task AppendAsync_AReusedIdFailsOnlyThatCaller_AndLeavesNoGap()
    {
        var database = temp.OpenDatabase();
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System);
        await appender.AppendAsync(Draft(0, id: "dup"), TestContext.Current.CancellationToken);

        var others = Enumerable.Range(1, 50).Select(i => appender.AppendAsync(Draft(i), TestContext.Current.CancellationToken)).ToList();
        var duplicate = appender.AppendAsync(Draft(99, id: "dup"), TestContext.Current.CancellationToken);
        var more = Enumerable.Range(51, 50).Select(i => appender.AppendAsync(Draft(i), TestContext.Current.CancellationToken)).ToList();

        var error = await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        await Task.WhenAll(others.Concat(more));
        var verification = await new AuditStoreVerifier(new SqliteAuditReader(database)).VerifyAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(new AuditVerification(true, 101, 101, null, null), verification);
    }

    [Fact]
    public async Task AppendAsync_AfterAFailedCommit_ContinuesFromTheLastCommittedEvent()
    {
        var database = temp.OpenDatabase();
        RawSql.Execute(database, "CREATE TRIGGER test_fail BEFORE INSERT ON audit_events WHEN NEW.payload LIKE '%boom%' BEGIN SELECT RAISE(ABORT, 'boom'); END;");
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System);
        var first = await appender.AppendAsync(Draft(1), TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<SqliteException>(() => appender.AppendAsync(new AuditEventDraft
        {
            Type = "decision.evaluated",
            Payload = new JsonObject { ["reason"] = "boom" },
        }, TestContext.Current.CancellationToken));
        var next = await appender.AppendAsync(Draft(2), TestContext.Current.CancellationToken);

        Assert.Equal(2, next.Seq);
        Assert.Equal(first.Hash, next.PrevHash);
        Assert.Equal(2, RawSql.AuditRows(database).Count);
    }

    [Fact]
    public async Task AppendAsync_RejectsAMalformedDraftInTheCaller_WritingNothing()
    {
        var database = temp.OpenDatabase();
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentException>(() => appender.AppendAsync(new AuditEventDraft { Type = "Bad Type" }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => appender.AppendAsync(
            new AuditEventDraft { Type = "decision.evaluated", Payload = new JsonObject { ["hash"] = "x" } }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => appender.AppendAsync(
            [Draft(1), new AuditEventDraft { Type = "decision.evaluated", Payload = new JsonObject { ["x"] = double.PositiveInfinity } }],
            TestContext.Current.CancellationToken));

        Assert.Empty(RawSql.AuditRows(database));
    }

    [Fact]
    public async Task AppendAsync_StoresThePayloadsCanonicalText_WithoutNulls()
    {
        var database = temp.OpenDatabase();
        await using var appender = new SqliteAuditAppender(database, TimeProvider.System);

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
        }, TestContext.Current.CancellationToken);

        var row = Assert.Single(RawSql.AuditRows(database));
        Assert.Equal("""{"outcome":"failure","risk":{"score":40},"subject":{"id":"alice"}}""", row.Payload);
        Assert.Equal("alice", RawSql.Scalar(database, "SELECT subject_id FROM audit_events"));
        Assert.Equal(DBNull.Value, RawSql.Scalar(database, "SELECT session_id FROM audit_events"));
    }

    [Fact]
    public async Task DisposeAsync_WritesEverythingQueued_ThenRefusesNewAppends()
    {
        var database = temp.OpenDatabase();
        var appender = new SqliteAuditAppender(database, TimeProvider.System);
        var tasks = Enumerable.Range(0, 500).Select(i => appender.AppendAsync(Draft(i), TestContext.Current.CancellationToken)).ToList();

        await appender.DisposeAsync();

        // Committed before DisposeAsync returned; the callers' continuations may still be running.
        Assert.Equal(500, RawSql.AuditRows(database).Count);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), (await Task.WhenAll(tasks)).Select(e => e.Seq).Order());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => appender.AppendAsync(Draft(1), TestContext.Current.CancellationToken));
        await appender.DisposeAsync();
    }

    [Fact]
    public async Task AppendAsync_AnotherWriterOnTheSameFile_DoesNotForkTheChain()
    {
        var path = temp.NewDatabasePath();
        var database = temp.OpenDatabase(TimeProvider.System, path);
        await using var a = new SqliteAuditAppender(database, TimeProvider.System);
        await using var b = new SqliteAuditAppender(temp.OpenDatabase(TimeProvider.System, path), TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? a : b).AppendAsync(Draft(i), TestContext.Current.CancellationToken)));

        var verification = await new AuditStoreVerifier(new SqliteAuditReader(database)).VerifyAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(new AuditVerification(true, 200, 200, null, null), verification);
    }
}
