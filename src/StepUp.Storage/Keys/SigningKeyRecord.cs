using StepUp.Core.Security;

namespace StepUp.Storage.Keys;

/// <summary>A stored signing key: its public JWK and its private key sealed with the secrets key.</summary>
public sealed record SigningKeyRecord
{
    /// <summary>Key id, <c>&lt;purpose&gt;-&lt;thumbprint&gt;</c>.</summary>
    public required string Kid { get; init; }

    /// <summary>What it signs (<see cref="SigningKeyPurposes"/>).</summary>
    public required string Purpose { get; init; }

    /// <summary>JWS algorithm; always <c>ES256</c>.</summary>
    public string Algorithm { get; init; } = EcPublicJwk.Algorithm;

    /// <summary>The public key.</summary>
    public required EcPublicJwk PublicKey { get; init; }

    /// <summary>PKCS#8 private key sealed by <see cref="SecretBox"/> with associated data <see cref="AssociatedData"/>.</summary>
    public required ReadOnlyMemory<byte> SealedPrivateKey { get; init; }

    /// <summary>Creation time (UTC, ms precision).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it stopped signing; null while it is the active key of its purpose.</summary>
    public DateTimeOffset? RetiredAt { get; init; }

    /// <summary>True until retired.</summary>
    public bool IsActive => RetiredAt is null;

    /// <summary>The associated data a key's sealed private key is bound to, so sealed keys cannot be swapped between rows.</summary>
    public static string AssociatedData(string kid) => "stepup/signing-key/" + kid;

    /// <summary>Keeps the sealed key out of logs.</summary>
    public override string ToString() => $"SigningKeyRecord {{ Kid = {Kid}, Purpose = {Purpose}, CreatedAt = {CreatedAt:O}, RetiredAt = {RetiredAt:O} }}";
}
