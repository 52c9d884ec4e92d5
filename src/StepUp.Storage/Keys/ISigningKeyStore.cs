namespace StepUp.Storage.Keys;

/// <summary>Signing keys by purpose. Keys are never changed or deleted, only retired.</summary>
public interface ISigningKeyStore
{
    /// <summary>Every key (retired ones included) of one purpose, or of all when null, oldest first.</summary>
    Task<IReadOnlyList<SigningKeyRecord>> ListAsync(string? purpose = null, CancellationToken cancellationToken = default);

    /// <summary>Stores a new active key; false (and nothing stored) when its purpose already has an active key.</summary>
    /// <exception cref="ArgumentException">A retired key, or an unknown purpose.</exception>
    Task<bool> TryAddActiveAsync(SigningKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>Retires an active key; true when this call retired it.</summary>
    Task<bool> RetireAsync(string kid, CancellationToken cancellationToken = default);
}
