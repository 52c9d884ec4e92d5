using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>The contract of <see cref="IAuditFeed"/> for one node's own commits.</summary>
public abstract class AuditFeedContract(IStoreProvider provider) : AuditContract(provider)
{
    private static AuditEventDraft Draft(int n) => new() { Type = "test.event", Payload = new JsonObject { ["n"] = n } };

    [Fact]
    public async Task WaitForCommitAsync_CompletesWhenALaterSeqIsCommitted()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);
        Assert.Equal(0, appender.CommittedSeq);

        var waiting = appender.WaitForCommitAsync(0, Ct);
        Assert.False(waiting.IsCompleted);
        var events = await appender.AppendAsync([Draft(1), Draft(2)], Ct);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(2, appender.CommittedSeq);
        Assert.Equal(events[^1].Seq, appender.CommittedSeq);
        Assert.True(appender.WaitForCommitAsync(1, Ct).IsCompletedSuccessfully);
        var later = appender.WaitForCommitAsync(2, Ct);
        await appender.AppendAsync(Draft(3), Ct);
        await later.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task WaitForCommitAsync_StopsWaitingWhenCancelled()
    {
        var store = await OpenStoreAsync();
        await using var appender = store.OpenAppender(TimeProvider.System);
        using var cancel = new CancellationTokenSource();

        var waiting = appender.WaitForCommitAsync(0, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task CommittedSeq_StartsAtTheStoredHead()
    {
        var store = await OpenStoreAsync();
        await using (var first = store.OpenAppender(TimeProvider.System))
        {
            await first.AppendAsync(Enumerable.Range(0, 7).Select(Draft).ToList(), Ct);
        }

        await using var second = store.OpenAppender(TimeProvider.System);
        Assert.Equal(7, second.CommittedSeq);
        Assert.True(second.WaitForCommitAsync(6, Ct).IsCompletedSuccessfully);
    }
}
