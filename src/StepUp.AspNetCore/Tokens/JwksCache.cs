using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StepUp.AspNetCore.Decisions;
using StepUp.AspNetCore.Logging;
using StepUp.Core.Security;

namespace StepUp.AspNetCore.Tokens;

/// <summary>
/// The elevation-token keys of <c>{Authority}/.well-known/jwks.json</c>: only keys whose kid says
/// <c>token-…</c> (the audit-checkpoint keys in the same set never verify a token). Cached for
/// <see cref="StepUpOptions.JwksCacheDuration"/>, then refreshed behind the request that finds them
/// stale; an unknown kid waits for a refetch. Fetches are at most one per <see cref="MinRefetchInterval"/>,
/// one at a time. When a fetch fails the keys already known stay in use (StepUp keeps retired keys
/// published while their tokens live).
/// </summary>
internal sealed class JwksCache(IHttpClientFactory clients, IOptions<StepUpOptions> options, TimeProvider time, ILogger<JwksCache> logger) : IDisposable
{
    /// <summary>Floor between two fetches, so tokens with made-up kids cannot make this app hammer StepUp.</summary>
    public static readonly TimeSpan MinRefetchInterval = TimeSpan.FromSeconds(30);

    private readonly Uri _url = DecisionClient.Endpoint(options.Value, ".well-known/jwks.json");
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private volatile KeySet _keys = KeySet.Empty;
    private long _lastAttemptTicks;

    /// <summary>The verifier for <paramref name="kid"/>, or null when StepUp publishes no token key by that id.</summary>
    public async ValueTask<ECDsa?> GetAsync(string kid, CancellationToken cancellationToken)
    {
        if (!SigningKeyPurposes.IsKidOf(kid, SigningKeyPurposes.Token))
        {
            return null;
        }

        var keys = _keys;
        var known = keys.Find(kid);
        var now = time.GetUtcNow();
        if (known is not null)
        {
            if (now - keys.FetchedAt >= options.Value.JwksCacheDuration && MayFetch(now))
            {
                // Stale but known: answer now, refresh behind the request.
                _ = RefreshAsync(CancellationToken.None);
            }

            return known;
        }

        if (!MayFetch(now))
        {
            return null;
        }

        await RefreshAsync(cancellationToken);
        return _keys.Find(kid);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _fetch.Dispose();
    }

    private bool MayFetch(DateTimeOffset now) => now.UtcTicks - Interlocked.Read(ref _lastAttemptTicks) >= MinRefetchInterval.Ticks;

    /// <summary>One fetch at a time; a caller that waited for another's fetch does not fetch again.</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _fetch.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (MayFetch(now))
            {
                Interlocked.Exchange(ref _lastAttemptTicks, now.UtcTicks);
                await FetchAsync(now, cancellationToken);
            }
        }
        finally
        {
            _fetch.Release();
        }
    }

    private async Task FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = _keys;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.Timeout);
        string json;
        try
        {
            using var response = await clients.CreateClient(StepUpDefaults.HttpClientName).GetAsync(_url, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                StepUpLog.JwksFailed(logger, _url, string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}"), current.Count);
                return;
            }

            json = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(deadline.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            StepUpLog.JwksFailed(logger, _url, "timed out", current.Count);
            return;
        }
        catch (HttpRequestException ex)
        {
            StepUpLog.JwksFailed(logger, _url, ex.HttpRequestError.ToString(), current.Count);
            return;
        }

        IReadOnlyList<EcPublicJwk> published;
        try
        {
            published = JsonWebKeySet.Parse(json);
        }
        catch (FormatException)
        {
            StepUpLog.JwksFailed(logger, _url, "not a JWK Set", current.Count);
            return;
        }

        _keys = current.With(published.Where(k => SigningKeyPurposes.IsKidOf(k.Kid, SigningKeyPurposes.Token)), now);
        StepUpLog.JwksLoaded(logger, _keys.Count, _url);
    }

    /// <summary>An immutable kid → verifier map; a kid's key never changes, so verifiers are reused across fetches.</summary>
    private sealed class KeySet(Dictionary<string, ECDsa> verifiers, DateTimeOffset fetchedAt) : IDisposable
    {
        public static readonly KeySet Empty = new(new Dictionary<string, ECDsa>(StringComparer.Ordinal), DateTimeOffset.MinValue);

        public DateTimeOffset FetchedAt { get; } = fetchedAt;

        public int Count => verifiers.Count;

        public ECDsa? Find(string kid) => verifiers.GetValueOrDefault(kid);

        public KeySet With(IEnumerable<EcPublicJwk> keys, DateTimeOffset fetchedAt)
        {
            var next = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (next.ContainsKey(key.Kid))
                {
                    continue;
                }

                if (verifiers.TryGetValue(key.Kid, out var existing))
                {
                    next[key.Kid] = existing;
                }
                else if (TryCreate(key) is { } created)
                {
                    next[key.Kid] = created;
                }
            }

            return new KeySet(next, fetchedAt);
        }

        public void Dispose()
        {
            foreach (var verifier in verifiers.Values)
            {
                verifier.Dispose();
            }
        }

        private static ECDsa? TryCreate(EcPublicJwk key)
        {
            try
            {
                return key.CreateVerifier();
            }
            catch (CryptographicException)
            {
                // A point off the curve: skip the key, as RFC 7517 §5 asks for keys a reader cannot use.
                return null;
            }
        }
    }
}
