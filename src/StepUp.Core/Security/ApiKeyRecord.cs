namespace StepUp.Core.Security;

/// <summary>
/// A stored API key, without its secret (only the secret's SHA-256 digest is stored). Every key
/// belongs to one app.
/// </summary>
public sealed record ApiKeyRecord
{
    /// <summary>Key id, <c>key_…</c>; not secret.</summary>
    public required string Id { get; init; }

    /// <summary>Human label.</summary>
    public required string Name { get; init; }

    /// <summary>The app the key acts for.</summary>
    public required string App { get; init; }

    /// <summary>Granted scopes (see <see cref="ApiKeyScopes"/>).</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The secret's first 8 characters, to recognise a key in lists and logs.</summary>
    public required string Prefix { get; init; }

    /// <summary>Creation time (UTC, ms precision).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Revocation time, or null while the key is active.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True until revoked.</summary>
    public bool IsActive => RevokedAt is null;

    /// <summary>True when the key grants <paramref name="scope"/>.</summary>
    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}
