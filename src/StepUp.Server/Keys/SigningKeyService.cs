using System.Collections.Concurrent;
using System.Security.Cryptography;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using StepUp.Storage.Keys;

namespace StepUp.Server.Keys;

/// <summary>
/// The signing keys of this server: loads (or creates) the active key of each purpose, decrypting
/// it with the secrets key, and lists every public key for the JWKS. The active audit key is made
/// ready at start, so a wrong secrets key stops the server before it serves anything.
/// </summary>
internal sealed partial class SigningKeyService(ISigningKeyStore store, SecretBox secrets, TimeProvider timeProvider, ILogger<SigningKeyService> logger)
    : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, ActiveSigningKey> _active = new(StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken) => GetActiveAsync(SigningKeyPurposes.Audit, cancellationToken).AsTask();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The key <paramref name="purpose"/> signs with now, created on first use.</summary>
    /// <exception cref="InvalidOperationException">The stored key cannot be decrypted with the configured secrets key.</exception>
    public async ValueTask<ActiveSigningKey> GetActiveAsync(string purpose, CancellationToken cancellationToken = default)
    {
        if (_active.TryGetValue(purpose, out var key))
        {
            return key;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_active.TryGetValue(purpose, out key))
            {
                key = await LoadOrCreateAsync(purpose, cancellationToken);
                _active[purpose] = key;
            }

            return key;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every stored key of every purpose, retired ones included, oldest first.</summary>
    public Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        store.ListAsync(null, cancellationToken);

    /// <summary>Retires the active key of <paramref name="purpose"/> and makes a new one; the old one stays published.</summary>
    public async Task<ActiveSigningKey> RotateAsync(string purpose, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var key in await store.ListAsync(purpose, cancellationToken))
            {
                if (key.IsActive)
                {
                    await store.RetireAsync(key.Kid, cancellationToken);
                    LogRetired(logger, purpose, key.Kid);
                }
            }

            // The old instance stays usable by whoever holds it; it only stops being handed out.
            var next = await LoadOrCreateAsync(purpose, cancellationToken);
            _active[purpose] = next;
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var key in _active.Values)
        {
            key.Dispose();
        }

        _active.Clear();
        _gate.Dispose();
    }

    private async Task<ActiveSigningKey> LoadOrCreateAsync(string purpose, CancellationToken cancellationToken)
    {
        // Two processes may create a key at once; the store keeps one active key per purpose, so the
        // loser loads the winner's on its next pass.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var stored = (await store.ListAsync(purpose, cancellationToken)).LastOrDefault(k => k.IsActive);
            if (stored is not null)
            {
                var opened = Open(stored);
                LogLoaded(logger, purpose, stored.Kid);
                return opened;
            }

            var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var kid = SigningKeyPurposes.Kid(purpose, EcPublicJwk.FromKey("-", ecdsa));
            var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
            var record = new SigningKeyRecord
            {
                Kid = kid,
                Purpose = purpose,
                PublicKey = EcPublicJwk.FromKey(kid, ecdsa),
                SealedPrivateKey = secrets.Seal(pkcs8, SigningKeyRecord.AssociatedData(kid)),
                CreatedAt = AuditTime.Truncate(timeProvider.GetUtcNow()),
            };
            CryptographicOperations.ZeroMemory(pkcs8);
            if (await store.TryAddActiveAsync(record, cancellationToken))
            {
                LogCreated(logger, purpose, kid);
                return new ActiveSigningKey(kid, purpose, ecdsa);
            }

            ecdsa.Dispose();
        }

        throw new InvalidOperationException($"Could not store or load an active {purpose} signing key.");
    }

    private ActiveSigningKey Open(SigningKeyRecord stored)
    {
        if (!secrets.TryOpen(stored.SealedPrivateKey.Span, SigningKeyRecord.AssociatedData(stored.Kid), out var pkcs8))
        {
            throw new InvalidOperationException(secrets.IsSealedWithThisKey(stored.SealedPrivateKey.Span)
                ? $"The stored signing key {stored.Kid} is damaged or was moved from another row: it does not decrypt."
                : $"The stored signing key {stored.Kid} was encrypted with another secrets key (this one has key id {secrets.KeyId}): set StepUp:Secrets:Key, or restore the stepup.key file beside the database.");
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            if (!stored.PublicKey.Matches(ecdsa))
            {
                throw new InvalidOperationException($"The stored signing key {stored.Kid} does not match its published public key.");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or ArgumentException)
        {
            ecdsa.Dispose();
            throw ex as InvalidOperationException ?? new InvalidOperationException($"The stored signing key {stored.Kid} is not a P-256 key.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        return new ActiveSigningKey(stored.Kid, stored.Purpose, ecdsa);
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Created a new {Purpose} signing key {Kid}")]
    private static partial void LogCreated(ILogger logger, string purpose, string kid);

    [LoggerMessage(EventId = 411, Level = LogLevel.Information, Message = "Signing {Purpose} with key {Kid}")]
    private static partial void LogLoaded(ILogger logger, string purpose, string kid);

    [LoggerMessage(EventId = 412, Level = LogLevel.Information, Message = "Retired {Purpose} signing key {Kid}; it stays in the JWKS so old signatures verify")]
    private static partial void LogRetired(ILogger logger, string purpose, string kid);
}
