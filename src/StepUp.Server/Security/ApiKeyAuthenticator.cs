using StepUp.Core.Security;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;
using StepUp.Storage;

namespace StepUp.Server.Security;

/// <summary>
/// Resolves <c>Authorization: Bearer &lt;key&gt;</c> to a caller. Keys are looked up by their
/// SHA-256 digest (never stored or logged in clear) and compared in constant time. Stored keys are
/// cached briefly by digest so the hot path does not hit the database on every call; revoking a
/// key evicts it here at once.
/// </summary>
internal sealed class ApiKeyAuthenticator(IApiKeyStore store, IOptions<StepUpServerOptions> options, TimeProvider time)
{
    public const string BootstrapKeyId = "bootstrap";
    public const string DefaultApp = "default";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly byte[]? _bootstrapDigest = string.IsNullOrEmpty(options.Value.ApiKey)
        ? null
        : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    private readonly ConcurrentDictionary<string, (ApiCaller? Caller, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<ApiCaller?> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        const string prefix = "Bearer ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || authorization.Length > 512)
        {
            return null;
        }

        var key = authorization.AsSpan(prefix.Length).Trim();
        if (key.IsEmpty)
        {
            return null;
        }

        return await AuthenticateDigestAsync(Digest(key.ToString()), cancellationToken);
    }

    /// <summary>The SHA-256 of a key, as it is stored.</summary>
    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Resolves a key by its SHA-256 (what a dashboard session keeps instead of the key), so a
    /// revoked key stops working everywhere it was used.
    /// </summary>
    public async ValueTask<ApiCaller?> AuthenticateDigestAsync(byte[] digest, CancellationToken cancellationToken)
    {
        if (_bootstrapDigest is not null && CryptographicOperations.FixedTimeEquals(digest, _bootstrapDigest))
        {
            return new ApiCaller(BootstrapKeyId, DefaultApp, ApiKeyScopes.All);
        }

        var cacheKey = Convert.ToHexString(digest);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.Until > now)
        {
            return cached.Caller;
        }

        var record = await store.FindByDigestAsync(digest, cancellationToken);
        var caller = record is null || record.RevokedAt is not null ? null : new ApiCaller(record.Id, record.App, record.Scopes);
        if (_cache.Count > 10_000)
        {
            _cache.Clear(); // bounded: an attacker spraying keys cannot grow memory
        }

        _cache[cacheKey] = (caller, now + CacheFor);
        return caller;
    }

    /// <summary>Forgets cached lookups so a revocation takes effect immediately on this node.</summary>
    public void Invalidate() => _cache.Clear();
}
