using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Storage.Tests.Contracts;
using StepUp.Storage.Tests.Contracts.Audit;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>
/// The audit stores while the PostgreSQL server is down and after it is back: calls fail fast with
/// <see cref="StorageUnavailableException"/> (a 503), nothing is half-written, and the same appender
/// and readers work again without a restart. Stops the shared server, so runs alone.
/// </summary>
[Collection(PostgresServerRestartCollection.Name)]
public sealed class PostgresAuditOutageTests() : AuditContract(new PostgresStoreProvider())
{
    private static AuditEventDraft Draft(int n) => new() { Type = "decision.evaluated", Payload = new JsonObject { ["outcome"] = "allow", ["n"] = n } };

    [Fact]
    public async Task Appending_WhileTheServerIsDown_FailsAsUnavailable_AndWorksAgainOnceItIsBack()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);
        var before = await appender.AppendAsync(Draft(1), Ct);
        try
        {
            await PostgresServerControl.StopAsync();

            await Assert.ThrowsAsync<StorageUnavailableException>(() => appender.AppendAsync(Draft(2), Ct));
            var many = Enumerable.Range(3, 20).Select(n => appender.AppendAsync(n % 4 == 0 ? [Draft(n), Draft(n + 100)] : [Draft(n)], Ct)).ToList();
            foreach (var call in many)
            {
                var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => call);
                Assert.True(error.IsTransient);
            }

            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.Reader.GetHeadAsync(Ct));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.Reader.QueryAsync(new AuditQuery(), Ct));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.Retention(TimeProvider.System).ListHoldsAsync(Ct));
            Assert.Equal(1, appender.CommittedSeq);
        }
        finally
        {
            await PostgresServerControl.StartAsync();
        }

        var after = await appender.AppendAsync(Draft(3), Ct);
        var group = await appender.AppendAsync([Draft(4), Draft(5)], Ct);

        Assert.Equal((2L, before.Hash), (after.Seq, after.PrevHash));
        Assert.Equal([3L, 4L], group.Select(e => e.Seq));
        Assert.Equal(new AuditVerification(true, 4, 4, null, null), await store.VerifyAsync());
        Assert.Equal(4, (await store.Reader.GetHeadAsync(Ct)).Seq);
    }

    [Fact]
    public async Task PooledConnections_FromBeforeARestart_AreReplaced_WithoutFailingACall()
    {
        // Three nodes (pools): one appends, one reads, one writes holds; each pool is warm, and the
        // restart kills every connection in it.
        var appending = await OpenStoreAsync();
        var reading = await OpenNodeAsync(appending);
        var holding = await OpenNodeAsync(appending);
        await using var appender = appending.OpenAppender(TimeProvider.System);
        await appender.AppendAsync(Draft(1), Ct);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(() => reading.Reader.QueryAsync(new AuditQuery(), Ct))));
        var retention = holding.Retention(TimeProvider.System);
        await retention.PlaceHoldAsync(null, "warm-up", Ct);

        await PostgresServerControl.StopAsync();
        await PostgresServerControl.StartAsync();

        var evt = await appender.AppendAsync(Draft(2), Ct);
        var head = await reading.Reader.GetHeadAsync(Ct);
        await retention.PlaceHoldAsync("alice", "case 1", Ct);

        Assert.Equal(2, evt.Seq);
        Assert.Equal(new AuditHead(2, evt.Hash, evt.Time), head);
        Assert.Equal([null, "alice"], (await retention.ListHoldsAsync(Ct)).Select(h => h.SubjectId));
        Assert.Equal([2L, 1L], (await reading.Reader.QueryAsync(new AuditQuery(), Ct)).Events.Select(e => e.Seq));
    }

    [Fact]
    public async Task Waiters_OnTheFeed_SurviveAnOutage_AndSeeCommitsAfterIt()
    {
        var store = await OpenStoreAsync();
        var other = await OpenNodeAsync(store);
        await using var appender = store.OpenAppender(TimeProvider.System);
        await using var otherNode = other.OpenAppender(TimeProvider.System);
        var waiting = appender.WaitForCommitAsync(0, Ct);
        try
        {
            await PostgresServerControl.StopAsync();
            // Polls fail meanwhile; the waiter keeps waiting.
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            Assert.False(waiting.IsCompleted);
        }
        finally
        {
            await PostgresServerControl.StartAsync();
        }

        await otherNode.AppendAsync(Draft(1), Ct);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, appender.CommittedSeq);
    }
}
