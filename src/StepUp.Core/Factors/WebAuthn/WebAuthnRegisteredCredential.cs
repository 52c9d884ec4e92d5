namespace StepUp.Core.Factors.WebAuthn;

/// <summary>A verified new credential: what the store keeps for later assertions.</summary>
public sealed record WebAuthnRegisteredCredential
{
    /// <summary>The credential id (1–1023 bytes). The caller refuses it when any subject already has it.</summary>
    public required ReadOnlyMemory<byte> Id { get; init; }

    /// <summary>The credential public key as a COSE_Key, exactly as the authenticator sent it.</summary>
    public required ReadOnlyMemory<byte> PublicKey { get; init; }

    /// <summary>The COSE algorithm of <see cref="PublicKey"/>.</summary>
    public required int Algorithm { get; init; }

    /// <summary>The authenticator's signature counter at registration (0 when it keeps none).</summary>
    public required uint SignCount { get; init; }

    /// <summary>The UV flag: the authenticator verified the user during registration.</summary>
    public required bool UserVerified { get; init; }

    /// <summary>The BE flag, fixed for the credential's life: true for synced (multi-device) passkeys.</summary>
    public required bool BackupEligible { get; init; }

    /// <summary>The BS flag: the credential is currently backed up; may change later.</summary>
    public required bool BackupState { get; init; }

    /// <summary>The authenticator model's AAGUID (all zeros with attestation <c>none</c> from most browsers).</summary>
    public required Guid Aaguid { get; init; }

    /// <summary>The attestation statement format: <c>none</c> or <c>packed</c> (self attestation).</summary>
    public required string AttestationFormat { get; init; }

    /// <summary>Transports the browser reported, kept as hints for <c>allowCredentials</c>.</summary>
    public IReadOnlyList<string> Transports { get; init; } = [];
}
