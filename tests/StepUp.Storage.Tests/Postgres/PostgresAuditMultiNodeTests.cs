using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Npgsql;
using StepUp.Core.Audit;
using StepUp.Storage.Postgres;
using StepUp.Storage.Tests.Contracts;
using StepUp.Storage.Tests.Contracts.Audit;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>Several nodes (each its own <see cref="StepUp.Storage.Postgres.PostgresDatabase"/> and appender) extending one chain.</summary>
public sealed class PostgresAuditMultiNodeTests() : AuditContract(new PostgresStoreProvider())
{
    private static AuditEventDraft Draft(int task, int n) => new()
    {
        Type = "decision.evaluated",
        Payload = new JsonObject { ["outcome"] = "allow", ["subject"] = new JsonObject { ["id"] = $"user-{task}" }, ["task"] = task, ["n"] = n },
    };

    [Fact]
    public async Task TwoNodes_AppendingFromManyTasks_ExtendOneGapFreeChain_WithEveryAcknowledgedEventOnce()
    {
        const int tasksPerNode = 64;
        const int callsPerTask = 15;
        var a = await OpenStoreAsync();
        var b = await OpenNodeAsync(a);
        var acknowledged = new ConcurrentBag<AuditEvent>();
        await using (var nodeA = a.OpenAppender(TimeProvider.System))
        await using (var nodeB = b.OpenAppender(TimeProvider.System))
        {
            using var go = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, 2 * tasksPerNode).Select(task => Task.Run(async () =>
            {
                go.Wait(Ct);
                var node = task % 2 == 0 ? nodeA : nodeB;
                for (var call = 0; call < callsPerTask; call++)
                {
                    // Every fifth call appends an operation of three events, which must stay consecutive.
                    if (call % 5 == 4)
                    {
                        var group = await node.AppendAsync([Draft(task, call * 10), Draft(task, (call * 10) + 1), Draft(task, (call * 10) + 2)], Ct);
                        Assert.Equal([group[0].Seq, group[0].Seq + 1, group[0].Seq + 2], group.Select(e => e.Seq));
                        foreach (var evt in group)
                        {
                            acknowledged.Add(evt);
                        }
                    }
                    else
                    {
                        acknowledged.Add(await node.AppendAsync(Draft(task, call * 10), Ct));
                    }
                }
            })).ToList();
            go.Set();
            await Task.WhenAll(tasks);

            Assert.True(nodeA.EventsAppended > 0 && nodeB.EventsAppended > 0);
            Assert.Equal(acknowledged.Count, nodeA.EventsAppended + nodeB.EventsAppended);
            Assert.True(nodeA.Commits + nodeB.Commits < acknowledged.Count, "expected group commits on both nodes");
        }

        var total = 2 * tasksPerNode * (callsPerTask + (callsPerTask / 5 * 2));
        var rows = await a.AuditRowsAsync();
        Assert.Equal(total, acknowledged.Count);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(new AuditVerification(true, total, total, null, null), await a.VerifyAsync());
        var stored = rows.ToDictionary(r => r.Id);
        Assert.Equal(total, stored.Count);
        Assert.All(acknowledged, evt =>
        {
            var row = stored[evt.Id];
            Assert.Equal((evt.Seq, evt.Hash, evt.TimeText, evt.PayloadDigest), (row.Seq, row.Hash, row.Time, row.PayloadDigest));
        });
        Assert.Equal(total, rows.Select(r => (JsonNode.Parse(r.Payload!)!["task"]!.GetValue<int>(), JsonNode.Parse(r.Payload!)!["n"]!.GetValue<int>())).Distinct().Count());
        Assert.Equal(rows.Select(r => r.TimeMs).Order(), rows.Select(r => r.TimeMs));
    }

    [Fact]
    public async Task TwoNodes_WithSkewedClocks_NeverLetTimeGoBackwards()
    {
        var ahead = new ManualTimeProvider(Now.AddHours(1));
        var behind = new ManualTimeProvider(Now);
        var a = await OpenStoreAsync();
        var b = await OpenNodeAsync(a);
        await using var nodeA = a.OpenAppender(ahead);
        await using var nodeB = b.OpenAppender(behind);

        var first = await nodeA.AppendAsync(Draft(0, 0), Ct);
        var second = await nodeB.AppendAsync(Draft(1, 0), Ct);
        behind.Advance(TimeSpan.FromHours(2));
        var third = await nodeB.AppendAsync(Draft(1, 1), Ct);

        Assert.Equal(Now.AddHours(1), first.Time);
        Assert.Equal(first.Time, second.Time);
        Assert.Equal(Now.AddHours(2), third.Time);
        Assert.Equal((2L, first.Hash), (second.Seq, second.PrevHash));
        Assert.Equal(new AuditVerification(true, 3, 3, null, null), await b.VerifyAsync());
    }

    [Fact]
    public async Task Feed_LearnsOfAnotherNodesCommits_WhileSomeoneWaits()
    {
        var a = await OpenStoreAsync();
        var b = await OpenNodeAsync(a);
        await using var nodeA = a.OpenAppender(TimeProvider.System);
        await using var nodeB = b.OpenAppender(TimeProvider.System);
        await nodeB.AppendAsync(Draft(0, 0), Ct);
        Assert.Equal(1, nodeB.CommittedSeq);

        var waiting = nodeB.WaitForCommitAsync(1, Ct);
        var appended = await nodeA.AppendAsync([Draft(1, 0), Draft(1, 1)], Ct);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(3, appended[^1].Seq);
        Assert.Equal(3, nodeB.CommittedSeq);
        Assert.Equal(3, nodeA.CommittedSeq);
    }

    [Fact]
    public async Task ANodeStuckHoldingTheChainLock_FailsOtherNodesAppendsAsUnavailable_UntilItLetsGo()
    {
        var store = (PostgresAuditStore)await OpenStoreAsync();
        await using var appender = new PostgresAuditAppender(store.Postgres, TimeProvider.System, new PostgresAuditAppenderOptions { ChainLockTimeout = TimeSpan.FromMilliseconds(200) });
        await appender.AppendAsync(Draft(0, 0), Ct);

        // Another node froze in the middle of its commit, holding the lock.
        await using (var stuck = await store.Postgres.OpenConnectionAsync(Ct))
        await using (var transaction = await stuck.BeginTransactionAsync(Ct))
        {
            await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresAuditAppender.ChainLockKey})", stuck, transaction))
            {
                await hold.ExecuteNonQueryAsync(Ct);
            }

            var calls = Enumerable.Range(1, 5).Select(n => appender.AppendAsync(Draft(1, n), Ct)).ToList();
            foreach (var call in calls)
            {
                var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => call);
                Assert.Contains("chain lock", error.Message, StringComparison.Ordinal);
            }

            await transaction.RollbackAsync(Ct);
        }

        var next = await appender.AppendAsync(Draft(2, 0), Ct);
        Assert.Equal(2, next.Seq);
        Assert.Equal(new AuditVerification(true, 2, 2, null, null), await store.VerifyAsync());
    }
}
