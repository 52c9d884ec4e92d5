namespace StepUp.Core.Security;

/// <summary>
/// What a signing key signs. Each purpose has its own keys, and a key's <c>kid</c> starts with its
/// purpose (<c>audit-…</c>, <c>token-…</c>), so a verifier can refuse a key of the wrong purpose
/// even in a JWKS document that lists both.
/// </summary>
public static class SigningKeyPurposes
{
    /// <summary>Audit checkpoints (SPEC §7).</summary>
    public const string Audit = "audit";

    /// <summary>Elevation tokens (SPEC §2).</summary>
    public const string Token = "token";

    /// <summary>True for a purpose StepUp knows.</summary>
    public static bool IsKnown(string? purpose) => purpose is Audit or Token;

    /// <summary>The kid of a key of <paramref name="purpose"/>: the purpose, a dash and the key's RFC 7638 thumbprint.</summary>
    public static string Kid(string purpose, EcPublicJwk key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsKnown(purpose))
        {
            throw new ArgumentException($"Unknown signing key purpose '{purpose}'.", nameof(purpose));
        }

        return purpose + "-" + key.Thumbprint();
    }

    /// <summary>True when <paramref name="kid"/> names a key of <paramref name="purpose"/>.</summary>
    public static bool IsKidOf(string? kid, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return kid is not null && kid.Length > purpose.Length + 1 &&
               kid.StartsWith(purpose, StringComparison.Ordinal) && kid[purpose.Length] == '-';
    }
}
