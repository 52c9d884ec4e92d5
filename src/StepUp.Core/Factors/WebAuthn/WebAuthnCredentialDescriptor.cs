namespace StepUp.Core.Factors.WebAuthn;

/// <summary>A <c>PublicKeyCredentialDescriptorJSON</c> entry of <c>allowCredentials</c> or <c>excludeCredentials</c>.</summary>
/// <param name="Id">The credential id.</param>
/// <param name="Transports">Transport hints recorded at registration (<c>usb</c>, <c>nfc</c>, <c>ble</c>, <c>hybrid</c>, <c>internal</c>); omitted when empty.</param>
public sealed record WebAuthnCredentialDescriptor(ReadOnlyMemory<byte> Id, IReadOnlyList<string>? Transports = null);
