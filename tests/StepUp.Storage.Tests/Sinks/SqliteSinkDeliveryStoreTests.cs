using StepUp.Storage.Sinks;

namespace StepUp.Storage.Tests.Sinks;

public sealed class SqliteSinkDeliveryStoreTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenAsync_CreatesTheCursorOnce_AndKeepsItAfterwards()
    {
        var store = new SqliteSinkDeliveryStore(temp.OpenDatabase());

        var first = await store.OpenAsync("siem", 5, Ct);
        await store.RecordDeliveredAsync("siem", 12, TempDirectory.Epoch, Ct);
        var again = await store.OpenAsync("siem", 0, Ct);

        Assert.Equal(new SinkDeliveryState("siem", 5, null, null, 0, null), first);
        Assert.Equal(12, again.LastSeq);
        Assert.Equal(TempDirectory.Epoch, again.LastSuccessAt);
    }

    [Fact]
    public async Task TheCursor_SurvivesReopeningTheDatabase()
    {
        var path = temp.NewDatabasePath();
        var store = new SqliteSinkDeliveryStore(temp.OpenDatabase(path: path));
        await store.OpenAsync("siem", 0, Ct);
        await store.RecordDeliveredAsync("siem", 40, TempDirectory.Epoch, Ct);

        var reopened = new SqliteSinkDeliveryStore(temp.OpenDatabase(path: path));
        Assert.Equal(40, (await reopened.OpenAsync("siem", 0, Ct)).LastSeq);
    }

    [Fact]
    public async Task Failures_Count_AndASuccessClearsThem()
    {
        var store = new SqliteSinkDeliveryStore(temp.OpenDatabase());
        await store.OpenAsync("hook", 0, Ct);
        var t1 = TempDirectory.Epoch.AddSeconds(1);
        var t2 = TempDirectory.Epoch.AddSeconds(3);

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
        var store = new SqliteSinkDeliveryStore(temp.OpenDatabase());
        await store.OpenAsync("s", 0, Ct);
        await store.RecordDeliveredAsync("s", 10, TempDirectory.Epoch, Ct);
        await store.RecordDeliveredAsync("s", 7, TempDirectory.Epoch, Ct);
        await store.AdvanceAsync("s", 9, Ct);
        Assert.Equal(10, (await store.OpenAsync("s", 0, Ct)).LastSeq);

        await store.AdvanceAsync("s", 15, Ct);
        Assert.Equal(15, (await store.OpenAsync("s", 0, Ct)).LastSeq);
    }

    [Fact]
    public async Task LongErrors_AreCut()
    {
        var store = new SqliteSinkDeliveryStore(temp.OpenDatabase());
        await store.OpenAsync("s", 0, Ct);
        await store.RecordFailureAsync("s", TempDirectory.Epoch, new string('e', 2000), Ct);
        Assert.Equal(SqliteSinkDeliveryStore.MaxErrorLength, (await store.ListAsync(Ct)).Single().LastError!.Length);
    }

    [Fact]
    public async Task UpdatingAnUnopenedSink_Throws()
    {
        var store = new SqliteSinkDeliveryStore(temp.OpenDatabase());
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordDeliveredAsync("nope", 1, TempDirectory.Epoch, Ct));
    }

    [Fact]
    public async Task ListAsync_IsOrderedByName()
    {
        var store = new SqliteSinkDeliveryStore(temp.OpenDatabase());
        await store.OpenAsync("b", 0, Ct);
        await store.OpenAsync("a", 2, Ct);
        Assert.Equal(["a", "b"], (await store.ListAsync(Ct)).Select(s => s.Name));
    }
}
