namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="Risk.IRiskProfileStore"/>: opaque profiles saved in batches, insert or replace.</summary>
public abstract class RiskProfileStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    [Fact]
    public async Task Profiles_AreSavedInBatches_AndReplaced()
    {
        var store = (await OpenAsync()).RiskProfiles;
        Assert.Null(await store.GetAsync("alice", Ct));
        await store.SaveAsync([], Now, Ct);
        await store.SaveAsync([("alice", [1, 2]), ("bob", [3])], Now, Ct);
        await store.SaveAsync([("bob", [4, 4]), ("carol", [])], Now.AddSeconds(1), Ct);

        Assert.Equal(new byte[] { 1, 2 }, await store.GetAsync("alice", Ct));
        Assert.Equal(new byte[] { 4, 4 }, await store.GetAsync("bob", Ct));
        Assert.Equal(Array.Empty<byte>(), await store.GetAsync("carol", Ct));
    }

    [Fact]
    public async Task AKeyGivenTwiceInOneBatch_KeepsTheLastValue()
    {
        var store = (await OpenAsync()).RiskProfiles;
        await store.SaveAsync([("dan", [1]), ("dan", [2])], Now, Ct);
        Assert.Equal(new byte[] { 2 }, await store.GetAsync("dan", Ct));
    }

    [Fact]
    public async Task ALargeBatch_IsSavedWhole()
    {
        var store = (await OpenAsync()).RiskProfiles;
        var batch = Enumerable.Range(0, 500).Select(i => ($"s-{i:D3}", BitConverter.GetBytes(i))).ToList();
        await store.SaveAsync(batch, Now, Ct);
        Assert.Equal(BitConverter.GetBytes(499), await store.GetAsync("s-499", Ct));
        Assert.Equal(BitConverter.GetBytes(0), await store.GetAsync("s-000", Ct));
    }
}
