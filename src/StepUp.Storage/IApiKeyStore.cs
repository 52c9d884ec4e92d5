using StepUp.Core.Security;

namespace StepUp.Storage;

/// <summary>API keys: created with a secret shown once, stored and looked up by the secret's SHA-256 digest.</summary>
public interface IApiKeyStore
{
    /// <summary>Creates a key for <paramref name="app"/>; the returned secret is not stored and cannot be shown again.</summary>
    /// <exception cref="ArgumentException">Empty name or app, or an unknown scope.</exception>
    Task<CreatedApiKey> CreateAsync(string name, string app, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default);

    /// <summary>The active (not revoked) key whose secret has this SHA-256 digest, or null.</summary>
    Task<ApiKeyRecord?> FindByDigestAsync(byte[] digest, CancellationToken cancellationToken = default);

    /// <summary>All keys (revoked ones included), of one app or of every app, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string? app = null, CancellationToken cancellationToken = default);

    /// <summary>Revokes a key; true when this call revoked it, false when it does not exist or was already revoked.</summary>
    Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default);
}
