using static StepUp.Storage.Tests.Contracts.StepUpSamples;

namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="StepUps.IElevationStore"/>: once grants consumed once, session revocation.</summary>
public abstract class ElevationStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    [Fact]
    public async Task Elevation_RoundTripsEveryField()
    {
        var store = (await OpenAsync()).Elevations;
        var bound = Elevation("b1", once: true) with { Resource = new("transfer", "t-9", "cd") };
        await store.AddAsync(bound, Ct);

        Assert.Equivalent(bound, await store.GetAsync("b1", Ct), strict: true);
        Assert.Null(await store.GetAsync("nope", Ct));
    }

    [Fact]
    public async Task Elevation_OnceIsConsumedOnce_AndSessionRevocationEndsTheRest()
    {
        var store = (await OpenAsync()).Elevations;
        await store.AddAsync(Elevation("e1", true), Ct);
        await store.AddAsync(Elevation("e2", false), Ct);
        Assert.Equal(2, (await store.ListActiveAsync("shop", "s-9", Now, Ct)).Count);
        Assert.Empty(await store.ListActiveAsync("other-app", "s-9", Now, Ct));
        var wins = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.ConsumeAsync("e1", Now, Ct))));
        Assert.Equal(1, wins.Count(w => w));
        Assert.Equal(Now, (await store.GetAsync("e1", Ct))!.ConsumedAt);
        Assert.Equal(["e2"], (await store.ListActiveAsync("shop", "s-9", Now, Ct)).Select(e => e.Id));
        Assert.Empty(await store.RevokeSessionAsync("other-app", "s-9", Now, Ct));
        Assert.Equal(["e2"], (await store.RevokeSessionAsync("shop", "s-9", Now, Ct)).Select(e => e.Id));
        Assert.Empty(await store.RevokeSessionAsync("shop", "s-9", Now, Ct));
        Assert.Empty(await store.ListActiveAsync("shop", "s-9", Now, Ct));
        Assert.NotNull((await store.GetAsync("e2", Ct))!.RevokedAt);
        Assert.False(await store.ConsumeAsync("e2", Now, Ct)); // revoked
        Assert.Empty(await store.ListActiveAsync("shop", "s-9", Now.AddMinutes(10), Ct));
    }

    [Fact]
    public async Task ExpiredElevations_AreNeitherListedConsumedNorRevoked()
    {
        var store = (await OpenAsync()).Elevations;
        await store.AddAsync(Elevation("old", true, "s-1"), Ct);
        await store.AddAsync(Elevation("new", false, "s-1") with { AuthTime = Now.AddMinutes(1), ExpiresAt = Now.AddMinutes(6) }, Ct);

        Assert.Equal(["new", "old"], (await store.ListActiveAsync("shop", "s-1", Now.AddMinutes(1), Ct)).Select(e => e.Id));
        Assert.False(await store.ConsumeAsync("old", Now.AddMinutes(5), Ct)); // expiry is exclusive
        Assert.Equal(["new"], (await store.RevokeSessionAsync("shop", "s-1", Now.AddMinutes(5), Ct)).Select(e => e.Id));
        Assert.Null((await store.GetAsync("old", Ct))!.RevokedAt);
    }
}
