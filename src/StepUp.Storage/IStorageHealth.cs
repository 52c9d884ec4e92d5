namespace StepUp.Storage;

/// <summary>Readiness probe of the configured store (<c>/readyz</c>).</summary>
public interface IStorageHealth
{
    /// <summary>True when the store answers a trivial query.</summary>
    Task<bool> CheckAsync(CancellationToken cancellationToken = default);
}
