using System.Security.Cryptography;
using StepUp.Core.Security;

namespace StepUp.Core.Audit.Checkpoints;

/// <summary>
/// The audit keys a verifier trusts, by <c>kid</c>. Only keys whose kid marks them as audit keys
/// (<c>audit-…</c>) are taken: a token key listed in the same JWKS never verifies a checkpoint.
/// </summary>
public sealed class CheckpointKeyRing : IDisposable
{
    private readonly Dictionary<string, EcPublicJwk> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ECDsa?> _verifiers = new(StringComparer.Ordinal);

    /// <summary>A ring of the audit keys among <paramref name="keys"/>.</summary>
    public CheckpointKeyRing(IEnumerable<EcPublicJwk> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            if (SigningKeyPurposes.IsKidOf(key.Kid, SigningKeyPurposes.Audit))
            {
                _keys[key.Kid] = key;
            }
        }
    }

    /// <summary>A ring that knows no key: every checkpoint is <see cref="CheckpointSignatureStatus.UnknownKey"/>.</summary>
    public static CheckpointKeyRing Empty() => new([]);

    /// <summary>The audit keys of a JWK Set document.</summary>
    /// <exception cref="FormatException">Not a JWK Set.</exception>
    public static CheckpointKeyRing FromJwks(string json) => new(JsonWebKeySet.Parse(json));

    /// <summary>How many audit keys the ring holds.</summary>
    public int Count => _keys.Count;

    /// <summary>The kids of the ring's keys.</summary>
    public IEnumerable<string> Kids => _keys.Keys;

    /// <summary>A verifier for <paramref name="kid"/>, or null when the ring has no such (valid) key. Not thread-safe.</summary>
    public ECDsa? Find(string kid)
    {
        ArgumentNullException.ThrowIfNull(kid);
        if (_verifiers.TryGetValue(kid, out var cached))
        {
            return cached;
        }

        ECDsa? verifier = null;
        if (_keys.TryGetValue(kid, out var jwk))
        {
            try
            {
                verifier = jwk.CreateVerifier();
            }
            catch (CryptographicException)
            {
                // A point not on the curve verifies nothing; treat it as an unknown key.
                verifier = null;
            }
        }

        _verifiers[kid] = verifier;
        return verifier;
    }

    /// <summary>Disposes the cached verifiers.</summary>
    public void Dispose()
    {
        foreach (var verifier in _verifiers.Values)
        {
            verifier?.Dispose();
        }

        _verifiers.Clear();
    }
}
