namespace StepUp.Core.Factors.WebAuthn;

/// <summary>The flags byte of authenticator data (WebAuthn L3 §6.1); bits 1 and 5 are reserved.</summary>
[Flags]
internal enum AuthenticatorFlags : byte
{
    None = 0,
    UserPresent = 0x01,
    UserVerified = 0x04,
    BackupEligible = 0x08,
    BackupState = 0x10,
    AttestedCredentialData = 0x40,
    ExtensionData = 0x80,
}
