namespace StepUp.Core.Factors.WebAuthn;

/// <summary>The stored record of the credential an assertion claims to come from, looked up by its id.</summary>
public sealed record WebAuthnStoredCredential
{
    /// <summary>The credential id recorded at registration.</summary>
    public required ReadOnlyMemory<byte> Id { get; init; }

    /// <summary>The COSE_Key recorded at registration.</summary>
    public required ReadOnlyMemory<byte> PublicKey { get; init; }

    /// <summary>The last signature counter accepted for this credential.</summary>
    public required uint SignCount { get; init; }

    /// <summary>The BE flag recorded at registration; it never changes for a credential.</summary>
    public required bool BackupEligible { get; init; }

    /// <summary>The owner's user handle (<c>user.id</c> of the creation options); an assertion's <c>userHandle</c> must equal it.</summary>
    public required ReadOnlyMemory<byte> UserHandle { get; init; }
}
