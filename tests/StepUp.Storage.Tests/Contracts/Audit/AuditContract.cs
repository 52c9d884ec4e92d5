namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>Base of the audit store contracts: a fresh database per store, closed after the test.</summary>
public abstract class AuditContract(IStoreProvider provider) : StoreContract(provider)
{
    /// <summary>A fresh, empty audit store; its database clock starts at <see cref="StoreContract.Now"/> unless given.</summary>
    protected async Task<AuditStore> OpenStoreAsync(TimeProvider? clock = null) => AuditStore.For(await OpenAsync(clock));

    /// <summary>Another node (its own connections) on the database of <paramref name="store"/>.</summary>
    protected async Task<AuditStore> OpenNodeAsync(AuditStore store) => AuditStore.For(await OpenNodeAsync(store.Database));
}
