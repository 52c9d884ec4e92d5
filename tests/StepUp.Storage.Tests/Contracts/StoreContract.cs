namespace StepUp.Storage.Tests.Contracts;

/// <summary>
/// Base of the store contract tests: every test opens its own fresh database of the provider under
/// test, and every database (and node) it opened is closed after the test.
/// </summary>
public abstract class StoreContract(IStoreProvider provider) : IAsyncDisposable
{
    private readonly List<StoreDatabase> _opened = [];

    protected static DateTimeOffset Now => TempDirectory.Epoch;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh database; its clock starts at <see cref="Now"/> unless given.</summary>
    protected async Task<StoreDatabase> OpenAsync(TimeProvider? clock = null)
    {
        var database = await provider.CreateAsync(clock ?? new ManualTimeProvider(Now));
        _opened.Add(database);
        return database;
    }

    /// <summary>A second node on the same database as <paramref name="database"/>.</summary>
    protected async Task<StoreDatabase> OpenNodeAsync(StoreDatabase database)
    {
        var node = await database.OpenNodeAsync();
        _opened.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        // Nodes first, the database's owner last.
        for (var i = _opened.Count - 1; i >= 0; i--)
        {
            await _opened[i].DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
