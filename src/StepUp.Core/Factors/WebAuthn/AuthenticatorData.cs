using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using StepUp.Core.Factors.WebAuthn.Cbor;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// Parsed authenticator data (WebAuthn L3 §6.1): <c>rpIdHash(32) ‖ flags(1) ‖ signCount(4)</c>, then
/// attested credential data when AT is set (<c>aaguid(16) ‖ credentialIdLength(2) ‖ credentialId ‖
/// credentialPublicKey</c>, a COSE_Key map) and an extensions map when ED is set. Every byte must be
/// accounted for: data after the last announced part is malformed.
/// </summary>
internal sealed class AuthenticatorData
{
    public const int RpIdHashLength = 32;
    private const int HeaderLength = RpIdHashLength + 1 + 4;
    private const int AaguidLength = 16;

    private AuthenticatorData(ReadOnlyMemory<byte> rpIdHash, AuthenticatorFlags flags, uint signCount)
    {
        RpIdHash = rpIdHash;
        Flags = flags;
        SignCount = signCount;
    }

    public ReadOnlyMemory<byte> RpIdHash { get; }

    public AuthenticatorFlags Flags { get; }

    public uint SignCount { get; }

    public Guid Aaguid { get; private init; }

    /// <summary>The credential id; empty when AT is not set.</summary>
    public ReadOnlyMemory<byte> CredentialId { get; private init; }

    /// <summary>The COSE_Key bytes of the credential public key; empty when AT is not set.</summary>
    public ReadOnlyMemory<byte> CredentialPublicKey { get; private init; }

    public bool UserPresent => Flags.HasFlag(AuthenticatorFlags.UserPresent);

    public bool UserVerified => Flags.HasFlag(AuthenticatorFlags.UserVerified);

    public bool BackupEligible => Flags.HasFlag(AuthenticatorFlags.BackupEligible);

    public bool BackupState => Flags.HasFlag(AuthenticatorFlags.BackupState);

    public bool HasAttestedCredential => Flags.HasFlag(AuthenticatorFlags.AttestedCredentialData);

    /// <summary>False for truncated data, trailing bytes, or attested key / extensions that are not well-formed CBOR maps.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out AuthenticatorData? parsed)
    {
        parsed = null;
        var span = data.Span;
        if (span.Length < HeaderLength)
        {
            return false;
        }

        var flags = (AuthenticatorFlags)span[RpIdHashLength];
        var signCount = BinaryPrimitives.ReadUInt32BigEndian(span.Slice(RpIdHashLength + 1, 4));
        var position = HeaderLength;
        var aaguid = Guid.Empty;
        ReadOnlyMemory<byte> credentialId = default;
        ReadOnlyMemory<byte> publicKey = default;

        if (flags.HasFlag(AuthenticatorFlags.AttestedCredentialData))
        {
            if (span.Length - position < AaguidLength + 2)
            {
                return false;
            }

            aaguid = new Guid(span.Slice(position, AaguidLength), bigEndian: true);
            position += AaguidLength;
            int idLength = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(position, 2));
            position += 2;
            if (span.Length - position < idLength)
            {
                return false;
            }

            credentialId = data.Slice(position, idLength);
            position += idLength;
            if (!TryReadMap(data[position..], out var keyLength))
            {
                return false;
            }

            publicKey = data.Slice(position, keyLength);
            position += keyLength;
        }

        if (flags.HasFlag(AuthenticatorFlags.ExtensionData))
        {
            if (!TryReadMap(data[position..], out var extensionsLength))
            {
                return false;
            }

            position += extensionsLength;
        }

        if (position != span.Length)
        {
            return false;
        }

        parsed = new AuthenticatorData(data[..RpIdHashLength], flags, signCount)
        {
            Aaguid = aaguid,
            CredentialId = credentialId,
            CredentialPublicKey = publicKey,
        };
        return true;
    }

    private static bool TryReadMap(ReadOnlyMemory<byte> data, out int length) =>
        CborDecoder.Decode(data, out var value, out length) == CborError.None && value!.Kind == CborKind.Map;
}
