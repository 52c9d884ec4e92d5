using StepUp.Storage.Sinks;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="ISinkDeliveryStore"/>: durable cursors that only move forward.</summary>
public abstract class SinkDeliveryStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    /// <summary>The provider's longest stored error text.</summary>
    protected const int MaxErrorLength = 500;

    [Fact]
    public async Task OpenAsync_CreatesTheCursorOnce_AndKeepsItAfterwards()
    {
        var store = (await OpenAsync()).Sinks;

        var first = await store.OpenAsync("siem", 5, Ct);
        await store.RecordDeliveredAsync("siem", 12, Now, Ct);
        var again = await store.OpenAsync("siem", 0, Ct);

        Assert.Equal(new SinkDeliveryState("siem", 5, null, null, 0, null), first);
        Assert.Equal(12, again.LastSeq);
        Assert.Equal(Now, again.LastSuccessAt);
    }

    [Fact]
    public async Task TheCursor_SurvivesReopeningTheDatabase()
    {
        var database = await OpenAsync();
        await database.Sinks.OpenAsync("siem", 0, Ct);
        await database.Sinks.RecordDeliveredAsync("siem", 40, Now, Ct);

        var reopened = await OpenNodeAsync(database);
        Assert.Equal(40, (await reopened.Sinks.OpenAsync("siem", 0, Ct)).LastSeq);
    }

    [Fact]
    public async Task Failures_Count_AndASuccessClearsThem()
    {
        var store = (await OpenAsync()).Sinks;
        await store.OpenAsync("hook", 0, Ct);
        var t1 = Now.AddSeconds(1);
        var t2 = Now.AddSeconds(3);

        await store.RecordFailureAsync("hook", t1, "HTTP 500", Ct);
        await store.RecordFailureAsync("hook", t2, "http: ConnectionError (ConnectionRefused)", Ct);
        var failing = (await store.ListAsync(Ct)).Single();
        await store.RecordDeliveredAsync("hook", 3, t2.AddSeconds(2), Ct);
        var recovered = (await store.ListAsync(Ct)).Single();

        Assert.Equal(new SinkDeliveryState("hook", 0, t2, null, 2, "http: ConnectionError (ConnectionRefused)"), failing);
        Assert.Equal(new SinkDeliveryState("hook", 3, t2.AddSeconds(2), t2.AddSeconds(2), 0, null), recovered);
    }

    [Fact]
    public async Task TheCursor_NeverMovesBack()
    {
        var store = (await OpenAsync()).Sinks;
        await store.OpenAsync("s", 0, Ct);
        await store.RecordDeliveredAsync("s", 10, Now, Ct);
        await store.RecordDeliveredAsync("s", 7, Now, Ct);
        await store.AdvanceAsync("s", 9, Ct);
        Assert.Equal(10, (await store.OpenAsync("s", 0, Ct)).LastSeq);

        await store.AdvanceAsync("s", 15, Ct);
        Assert.Equal(15, (await store.OpenAsync("s", 0, Ct)).LastSeq);
    }

    [Fact]
    public async Task LongErrors_AreCut()
    {
        var store = (await OpenAsync()).Sinks;
        await store.OpenAsync("s", 0, Ct);
        await store.RecordFailureAsync("s", Now, new string('e', 2000), Ct);
        Assert.Equal(MaxErrorLength, (await store.ListAsync(Ct)).Single().LastError!.Length);
    }

    [Fact]
    public async Task UpdatingAnUnopenedSink_Throws()
    {
        var store = (await OpenAsync()).Sinks;
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordDeliveredAsync("nope", 1, Now, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AdvanceAsync("nope", 1, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordFailureAsync("nope", Now, "x", Ct));
    }

    [Fact]
    public async Task ListAsync_IsOrderedByName()
    {
        var store = (await OpenAsync()).Sinks;
        await store.OpenAsync("b", 0, Ct);
        await store.OpenAsync("a", 2, Ct);
        Assert.Equal(["a", "b"], (await store.ListAsync(Ct)).Select(s => s.Name));
    }
}
