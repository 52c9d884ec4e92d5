using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Storage.Postgres;

namespace StepUp.Storage.Tests.Postgres;

/// <summary>
/// The audit stores while the PostgreSQL server is down and after it is back: calls fail fast with
/// <see cref="StorageUnavailableException"/> (a 503), nothing is half-written, and the same appender
/// and readers work again without a restart of StepUp. Runs on a private server it stops and starts.
/// </summary>
[Collection(PostgresServerRestartCollection.Name)]
public sealed class PostgresAuditOutageTests(PostgresServerControl server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AuditEventDraft Draft(int n) => new() { Type = "decision.evaluated", Payload = new JsonObject { ["outcome"] = "allow", ["n"] = n } };

    private static Task<AuditVerification> VerifyAsync(PostgresDatabase database) =>
        new AuditStoreVerifier(new PostgresAuditReader(database)).VerifyAsync(cancellationToken: Ct);

    [Fact]
    public async Task Appending_WhileTheServerIsDown_FailsAsUnavailable_AndWorksAgainOnceItIsBack()
    {
        await using var database = await server.CreateDatabaseAsync();
        var reader = new PostgresAuditReader(database);
        await using var appender = new PostgresAuditAppender(database, TimeProvider.System);
        var before = await appender.AppendAsync(Draft(1), Ct);
        try
        {
            await server.StopAsync();

            await Assert.ThrowsAsync<StorageUnavailableException>(() => appender.AppendAsync(Draft(2), Ct));
            var many = Enumerable.Range(3, 20).Select(n => appender.AppendAsync(n % 4 == 0 ? [Draft(n), Draft(n + 100)] : [Draft(n)], Ct)).ToList();
            foreach (var call in many)
            {
                var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => call);
                Assert.True(error.IsTransient);
            }

            await Assert.ThrowsAsync<StorageUnavailableException>(() => reader.GetHeadAsync(Ct));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => reader.QueryAsync(new AuditQuery(), Ct));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => new PostgresAuditRetention(database, TimeProvider.System).PlaceHoldAsync(null, "x", Ct));
            Assert.Equal(1, appender.CommittedSeq);
        }
        finally
        {
            await server.StartAsync();
        }

        var after = await appender.AppendAsync(Draft(3), Ct);
        var group = await appender.AppendAsync([Draft(4), Draft(5)], Ct);

        Assert.Equal((2L, before.Hash), (after.Seq, after.PrevHash));
        Assert.Equal([3L, 4L], group.Select(e => e.Seq));
        Assert.Equal(new AuditVerification(true, 4, 4, null, null), await VerifyAsync(database));
        Assert.Equal(4, (await reader.GetHeadAsync(Ct)).Seq);
        Assert.Empty(await new PostgresAuditRetention(database, TimeProvider.System).ListHoldsAsync(Ct));
    }

    [Fact]
    public async Task PooledConnections_FromBeforeARestart_AreReplaced_WithoutFailingACall()
    {
        // Three nodes (pools): one appends, one reads, one writes holds; each pool is warm, and the
        // restart kills every connection in it.
        await using var appending = await server.CreateDatabaseAsync();
        var name = new Npgsql.NpgsqlConnectionStringBuilder(appending.DataSource.ConnectionString).Database!;
        await using var reading = await server.OpenDatabaseAsync(name);
        await using var holding = await server.OpenDatabaseAsync(name);
        await using var appender = new PostgresAuditAppender(appending, TimeProvider.System);
        var reader = new PostgresAuditReader(reading);
        var retention = new PostgresAuditRetention(holding, TimeProvider.System);
        await appender.AppendAsync(Draft(1), Ct);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(() => reader.QueryAsync(new AuditQuery(), Ct))));
        await retention.PlaceHoldAsync(null, "warm-up", Ct);

        await server.StopAsync();
        await server.StartAsync();

        var evt = await appender.AppendAsync(Draft(2), Ct);
        var head = await reader.GetHeadAsync(Ct);
        await retention.PlaceHoldAsync("alice", "case 1", Ct);

        Assert.Equal(2, evt.Seq);
        Assert.Equal(new AuditHead(2, evt.Hash, evt.Time), head);
        Assert.Equal([null, "alice"], (await retention.ListHoldsAsync(Ct)).Select(h => h.SubjectId));
        Assert.Equal([2L, 1L], (await reader.QueryAsync(new AuditQuery(), Ct)).Events.Select(e => e.Seq));
    }

    [Fact]
    public async Task Waiters_OnTheFeed_SurviveAnOutage_AndSeeAnotherNodesCommitsAfterIt()
    {
        await using var database = await server.CreateDatabaseAsync();
        await using var other = await server.OpenDatabaseAsync(new Npgsql.NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString).Database!);
        await using var appender = new PostgresAuditAppender(database, TimeProvider.System);
        await using var otherNode = new PostgresAuditAppender(other, TimeProvider.System);
        var waiting = appender.WaitForCommitAsync(0, Ct);
        try
        {
            await server.StopAsync();
            // Polls fail meanwhile; the waiter keeps waiting.
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            Assert.False(waiting.IsCompleted);
        }
        finally
        {
            await server.StartAsync();
        }

        await otherNode.AppendAsync(Draft(1), Ct);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, appender.CommittedSeq);
    }
}
