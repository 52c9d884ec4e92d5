using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Storage.Sqlite;

namespace StepUp.Storage.Tests.Sqlite;

/// <summary><see cref="IAuditAppenderStats.CommitObserved"/>: one call per successful commit, with its duration.</summary>
public sealed class SqliteAuditAppenderObserverTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static AuditEventDraft Draft(int n) => new() { Type = "test.event", Payload = new JsonObject { ["n"] = n } };

    [Fact]
    public async Task CommitObserved_IsCalledOncePerCommit_WithTheLatencyTheStatsReport()
    {
        var observed = new ConcurrentQueue<TimeSpan>();
        await using var appender = new SqliteAuditAppender(temp.OpenDatabase(), TimeProvider.System);
        appender.CommitObserved = observed.Enqueue;

        await Task.WhenAll(Enumerable.Range(0, 50).Select(n => appender.AppendAsync(Draft(n), TestContext.Current.CancellationToken)));
        await appender.AppendAsync(Draft(50), TestContext.Current.CancellationToken);

        Assert.Equal(appender.Commits, observed.Count);
        Assert.All(observed, latency => Assert.True(latency > TimeSpan.Zero));
        Assert.Equal(appender.LastCommitLatency, observed.Last());
    }

    [Fact]
    public async Task WithoutObserver_AppendsAsBefore()
    {
        await using var appender = new SqliteAuditAppender(temp.OpenDatabase(), TimeProvider.System);
        Assert.Null(appender.CommitObserved);
        await appender.AppendAsync(Draft(1), TestContext.Current.CancellationToken);
        Assert.Equal(1, appender.EventsAppended);
    }
}
