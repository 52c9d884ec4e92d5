namespace StepUp.Storage.Tests.Contracts;

/// <summary>The contract of <see cref="StepUps.IEnrollmentStore"/>: one-time, expiring enrolment links.</summary>
public abstract class EnrollmentStoreContract(IStoreProvider provider) : StoreContract(provider)
{
    [Fact]
    public async Task Link_IsFoundUntilUsedOrExpired_AndUsedOnce()
    {
        var store = (await OpenAsync()).Enrollments;
        byte[] token = [1, 2, 3], other = [4, 5, 6];
        await store.AddAsync(token, "kim", "shop", Now, Now.AddMinutes(10), Ct);
        await store.AddAsync(other, "lee", "bank", Now, Now.AddMinutes(10), Ct);

        Assert.Equal(("kim", "shop"), await store.FindAsync(token, Now.AddMinutes(9), Ct));
        Assert.Null(await store.FindAsync(token, Now.AddMinutes(10), Ct));
        Assert.Null(await store.FindAsync([9], Now, Ct));
        var uses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.UseAsync(token, Now, Ct))));
        Assert.Equal(1, uses.Count(u => u));
        Assert.Null(await store.FindAsync(token, Now, Ct));
        Assert.Equal(("lee", "bank"), await store.FindAsync(other, Now, Ct));
        Assert.False(await store.UseAsync([9], Now, Ct));
    }
}
