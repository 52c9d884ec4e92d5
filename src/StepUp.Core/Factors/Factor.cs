namespace StepUp.Core.Factors;

/// <summary>A factor's kind, as named in the API.</summary>
public enum FactorType
{
    Totp,
    WebAuthn,
}

/// <summary>A TOTP factor is pending until its first code is confirmed; removed factors are kept for audit.</summary>
public enum FactorStatus
{
    Pending,
    Active,
    Removed,
}

/// <summary>
/// An enrolled factor of a subject. Secrets stay in the store: <see cref="EncryptedSecret"/> is the
/// TOTP seed sealed with the secrets key, never shown again after enrolment.
/// </summary>
public sealed record Factor
{
    public required string Id { get; init; }
    public required string SubjectId { get; init; }
    public required FactorType Type { get; init; }
    public required string Name { get; init; }
    public required FactorStatus Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ActivatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }

    // TOTP
    public byte[]? EncryptedSecret { get; init; }
    public long? LastStep { get; init; }

    // WebAuthn
    public byte[]? CredentialId { get; init; }
    public byte[]? PublicKey { get; init; }
    public int? Algorithm { get; init; }
    public long? SignCount { get; init; }
    public bool? BackupEligible { get; init; }
    public bool? BackupState { get; init; }
    public string? Aaguid { get; init; }
    public IReadOnlyList<string> Transports { get; init; } = [];

    public static string TypeName(FactorType type) => type == FactorType.Totp ? "totp" : "webauthn";
}
