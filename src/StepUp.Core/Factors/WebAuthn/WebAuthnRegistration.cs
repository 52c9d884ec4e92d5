using System.Text.Json;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// Verifies a registration ceremony (WebAuthn L3 §7.1). Pure: the caller supplies the expected
/// challenge (and consumes it), checks that the credential id is new, and stores the result.
/// </summary>
public static class WebAuthnRegistration
{
    /// <summary>Parses a <c>RegistrationResponseJSON</c> and verifies it; a wrong shape is <see cref="WebAuthnErrors.MalformedResponse"/>.</summary>
    public static WebAuthnRegistrationResult Verify(JsonElement credential, WebAuthnRegistrationExpectations expected) =>
        WebAuthnRegistrationResponse.TryParse(credential, out var response)
            ? Verify(response, expected)
            : WebAuthnRegistrationResult.Failed(WebAuthnErrors.MalformedResponse);

    /// <summary>
    /// Runs every check of L3 §7.1 in order and returns the first failure's code, or the new
    /// credential. Never throws for bad input.
    /// </summary>
    /// <exception cref="ArgumentException">The expectations are incomplete (empty challenge, no origin, no RP ID).</exception>
    public static WebAuthnRegistrationResult Verify(WebAuthnRegistrationResponse response, WebAuthnRegistrationExpectations expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(expected);
        CeremonyChecks.ValidateExpectations(expected.Challenge, expected.Origins, expected.RpId);

        var error = CeremonyChecks.ReadCredentialId(response.Type, response.Id, response.RawId, out var rawId);
        if (error is not null)
        {
            return WebAuthnRegistrationResult.Failed(error);
        }

        if (!WebAuthnBase64Url.TryDecode(response.ClientDataJson, WebAuthnLimits.MaxClientDataBytes, out var clientDataJson) ||
            !WebAuthnBase64Url.TryDecode(response.AttestationObject, WebAuthnLimits.MaxAttestationObjectBytes, out var attestationBytes))
        {
            return WebAuthnRegistrationResult.Failed(WebAuthnErrors.BadBase64Url);
        }

        error = CeremonyChecks.CheckClientData(clientDataJson, "webauthn.create", expected.Challenge.Span, expected.Origins);
        if (error is not null)
        {
            return WebAuthnRegistrationResult.Failed(error);
        }

        error = AttestationObject.TryRead(attestationBytes, out var attestation);
        if (error is not null)
        {
            return WebAuthnRegistrationResult.Failed(error);
        }

        var authData = attestation!.AuthenticatorData;
        error = CeremonyChecks.CheckAuthenticatorData(authData, expected.RpId, expected.RequireUserVerification);
        if (error is not null)
        {
            return WebAuthnRegistrationResult.Failed(error);
        }

        error = CheckCredential(authData, rawId);
        if (error is not null)
        {
            return WebAuthnRegistrationResult.Failed(error);
        }

        if (!WebAuthnPublicKey.TryParse(authData.CredentialPublicKey, out var publicKey, out error))
        {
            return WebAuthnRegistrationResult.Failed(error);
        }

        using (publicKey)
        {
            if (!expected.Algorithms.Contains(publicKey.Algorithm))
            {
                return WebAuthnRegistrationResult.Failed(WebAuthnErrors.AlgorithmNotAllowed);
            }

            error = AttestationStatement.Verify(attestation, publicKey, clientDataJson);
            if (error is not null)
            {
                return WebAuthnRegistrationResult.Failed(error);
            }

            return WebAuthnRegistrationResult.Success(new WebAuthnRegisteredCredential
            {
                Id = rawId,
                PublicKey = publicKey.CoseKey,
                Algorithm = publicKey.Algorithm,
                SignCount = authData.SignCount,
                UserVerified = authData.UserVerified,
                BackupEligible = authData.BackupEligible,
                BackupState = authData.BackupState,
                Aaguid = authData.Aaguid,
                AttestationFormat = attestation.Format,
                Transports = response.Transports ?? [],
            });
        }
    }

    /// <summary>L3 §7.1: attested credential data present, its id within 1023 bytes and equal to <c>rawId</c>.</summary>
    private static string? CheckCredential(AuthenticatorData authData, byte[] rawId)
    {
        if (!authData.HasAttestedCredential)
        {
            return WebAuthnErrors.MissingAttestedCredential;
        }

        if (authData.CredentialId.Length is 0 or > WebAuthnLimits.MaxCredentialIdBytes)
        {
            return WebAuthnErrors.CredentialIdLength;
        }

        return authData.CredentialId.Span.SequenceEqual(rawId) ? null : WebAuthnErrors.CredentialIdMismatch;
    }
}
