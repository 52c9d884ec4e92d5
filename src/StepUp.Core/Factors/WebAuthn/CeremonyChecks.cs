using System.Security.Cryptography;
using System.Text;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>The checks that registration (L3 §7.1) and authentication (L3 §7.2) share, in the spec's order.</summary>
internal static class CeremonyChecks
{
    public const string PublicKeyType = "public-key";

    /// <summary>Decodes <c>id</c> and <c>rawId</c> and checks that they name the same credential.</summary>
    public static string? ReadCredentialId(string? type, string? id, string? rawId, out byte[] credentialId)
    {
        credentialId = [];
        if (!string.Equals(type, PublicKeyType, StringComparison.Ordinal))
        {
            return WebAuthnErrors.BadCredentialType;
        }

        // 1023 bytes take at most 1364 base64url characters.
        if (rawId is { Length: > 1364 })
        {
            return WebAuthnErrors.CredentialIdLength;
        }

        if (!WebAuthnBase64Url.TryDecode(rawId, WebAuthnLimits.MaxCredentialIdBytes, out var raw))
        {
            return WebAuthnErrors.BadBase64Url;
        }

        if (raw.Length == 0)
        {
            return WebAuthnErrors.CredentialIdLength;
        }

        // rawId decodes canonically, so equal strings mean equal bytes.
        if (!string.Equals(id, rawId, StringComparison.Ordinal))
        {
            return WebAuthnErrors.CredentialIdMismatch;
        }

        credentialId = raw;
        return null;
    }

    /// <summary>L3 §7.1 steps 5–10 / §7.2 steps 9–14: parse, type, challenge, origin, cross-origin.</summary>
    public static string? CheckClientData(byte[] clientDataJson, string expectedType, ReadOnlySpan<byte> challenge, IReadOnlyCollection<string> origins)
    {
        if (!CollectedClientData.TryParse(clientDataJson, out var clientData))
        {
            return WebAuthnErrors.MalformedClientData;
        }

        if (!string.Equals(clientData.Type, expectedType, StringComparison.Ordinal))
        {
            return WebAuthnErrors.ClientDataType;
        }

        if (!WebAuthnBase64Url.TryDecode(clientData.Challenge, 1024, out var presented) ||
            !CryptographicOperations.FixedTimeEquals(presented, challenge))
        {
            return WebAuthnErrors.ChallengeMismatch;
        }

        var originAllowed = false;
        foreach (var origin in origins)
        {
            originAllowed |= string.Equals(origin, clientData.Origin, StringComparison.Ordinal);
        }

        if (!originAllowed)
        {
            return WebAuthnErrors.OriginNotAllowed;
        }

        // StepUp pages are never embedded: a cross-origin iframe ceremony is refused outright.
        if (clientData.CrossOrigin == true || clientData.TopOrigin is not null)
        {
            return WebAuthnErrors.CrossOrigin;
        }

        return null;
    }

    /// <summary>L3 §7.1 steps 13–16 / §7.2 steps 15–18: rpIdHash, UP, UV when required, BS implies BE.</summary>
    public static string? CheckAuthenticatorData(AuthenticatorData data, string rpId, bool requireUserVerification)
    {
        Span<byte> expected = stackalloc byte[AuthenticatorData.RpIdHashLength];
        SHA256.HashData(Encoding.UTF8.GetBytes(rpId), expected);
        if (!CryptographicOperations.FixedTimeEquals(data.RpIdHash.Span, expected))
        {
            return WebAuthnErrors.RpIdMismatch;
        }

        if (!data.UserPresent)
        {
            return WebAuthnErrors.UserNotPresent;
        }

        if (requireUserVerification && !data.UserVerified)
        {
            return WebAuthnErrors.UserNotVerified;
        }

        if (data.BackupState && !data.BackupEligible)
        {
            return WebAuthnErrors.BackupStateInvalid;
        }

        return null;
    }

    /// <summary>The bytes a WebAuthn signature covers: <c>authenticatorData ‖ SHA-256(clientDataJSON)</c>.</summary>
    public static byte[] SignedData(ReadOnlySpan<byte> authenticatorData, ReadOnlySpan<byte> clientDataJson)
    {
        var signed = new byte[authenticatorData.Length + SHA256.HashSizeInBytes];
        authenticatorData.CopyTo(signed);
        SHA256.HashData(clientDataJson, signed.AsSpan(authenticatorData.Length));
        return signed;
    }

    /// <summary>Checks the caller's expectations; a mistake there is a bug, not bad input.</summary>
    public static void ValidateExpectations(ReadOnlyMemory<byte> challenge, IReadOnlyCollection<string> origins, string rpId)
    {
        ArgumentNullException.ThrowIfNull(origins);
        ArgumentException.ThrowIfNullOrEmpty(rpId);
        if (challenge.IsEmpty)
        {
            throw new ArgumentException("The expected challenge is empty.", nameof(challenge));
        }

        if (origins.Count == 0)
        {
            throw new ArgumentException("No allowed origin is configured.", nameof(origins));
        }
    }
}
