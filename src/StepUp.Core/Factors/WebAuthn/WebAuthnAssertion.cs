using System.Text.Json;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// Verifies an authentication ceremony (WebAuthn L3 §7.2) against the stored credential. Pure: the
/// caller supplies the expected challenge (and consumes it), looks the credential up by its id,
/// and stores the new counter and BS flag on success.
/// </summary>
public static class WebAuthnAssertion
{
    /// <summary>Parses an <c>AuthenticationResponseJSON</c> and verifies it; a wrong shape is <see cref="WebAuthnErrors.MalformedResponse"/>.</summary>
    public static WebAuthnAssertionResult Verify(JsonElement credential, WebAuthnAssertionExpectations expected, WebAuthnStoredCredential stored, WebAuthnPublicKey? publicKey = null) =>
        WebAuthnAssertionResponse.TryParse(credential, out var response)
            ? Verify(response, expected, stored, publicKey)
            : WebAuthnAssertionResult.Failed(WebAuthnErrors.MalformedResponse);

    /// <summary>
    /// Runs every check of L3 §7.2 in order and returns the first failure's code, or the new flags
    /// and counter. <paramref name="publicKey"/>, when given, must have been parsed from
    /// <see cref="WebAuthnStoredCredential.PublicKey"/> (a cache that saves the key import);
    /// otherwise the stored COSE key is parsed here. Never throws for bad input.
    /// </summary>
    /// <exception cref="ArgumentException">The expectations are incomplete, or <paramref name="publicKey"/> is not the stored key.</exception>
    public static WebAuthnAssertionResult Verify(WebAuthnAssertionResponse response, WebAuthnAssertionExpectations expected, WebAuthnStoredCredential stored, WebAuthnPublicKey? publicKey = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(stored);
        CeremonyChecks.ValidateExpectations(expected.Challenge, expected.Origins, expected.RpId);
        if (publicKey is not null && !publicKey.CoseKey.Span.SequenceEqual(stored.PublicKey.Span))
        {
            throw new ArgumentException("The parsed key is not the stored credential's key.", nameof(publicKey));
        }

        var error = CheckCredential(response, expected, stored);
        if (error is not null)
        {
            return WebAuthnAssertionResult.Failed(error);
        }

        if (!WebAuthnBase64Url.TryDecode(response.ClientDataJson, WebAuthnLimits.MaxClientDataBytes, out var clientDataJson) ||
            !WebAuthnBase64Url.TryDecode(response.AuthenticatorData, WebAuthnLimits.MaxAuthenticatorDataBytes, out var authDataBytes) ||
            !WebAuthnBase64Url.TryDecode(response.Signature, WebAuthnLimits.MaxSignatureBytes, out var signature))
        {
            return WebAuthnAssertionResult.Failed(WebAuthnErrors.BadBase64Url);
        }

        error = CeremonyChecks.CheckClientData(clientDataJson, "webauthn.get", expected.Challenge.Span, expected.Origins);
        if (error is not null)
        {
            return WebAuthnAssertionResult.Failed(error);
        }

        if (!AuthenticatorData.TryParse(authDataBytes, out var authData))
        {
            return WebAuthnAssertionResult.Failed(WebAuthnErrors.MalformedAuthenticatorData);
        }

        error = CeremonyChecks.CheckAuthenticatorData(authData, expected.RpId, expected.RequireUserVerification);
        if (error is not null)
        {
            return WebAuthnAssertionResult.Failed(error);
        }

        // L3 §7.2 step 19: BE is fixed when the credential is created; a change means another credential or a lie.
        if (authData.BackupEligible != stored.BackupEligible)
        {
            return WebAuthnAssertionResult.Failed(WebAuthnErrors.BackupEligibilityChanged);
        }

        error = VerifySignature(publicKey, stored.PublicKey, CeremonyChecks.SignedData(authDataBytes, clientDataJson), signature);
        if (error is not null)
        {
            return WebAuthnAssertionResult.Failed(error);
        }

        // L3 §7.2 step 23: a counter that does not advance signals a possible clone; StepUp refuses it.
        var regressed = (authData.SignCount != 0 || stored.SignCount != 0) && authData.SignCount <= stored.SignCount;
        return WebAuthnAssertionResult.Verified(authData, stored.SignCount, regressed);
    }

    /// <summary>L3 §7.2 steps 5–7: the credential is allowed, is the stored one, and belongs to the stored owner.</summary>
    private static string? CheckCredential(WebAuthnAssertionResponse response, WebAuthnAssertionExpectations expected, WebAuthnStoredCredential stored)
    {
        var error = CeremonyChecks.ReadCredentialId(response.Type, response.Id, response.RawId, out var rawId);
        if (error is not null)
        {
            return error;
        }

        if (expected.AllowCredentialIds.Count > 0 && !expected.AllowCredentialIds.Any(id => id.Span.SequenceEqual(rawId)))
        {
            return WebAuthnErrors.CredentialNotAllowed;
        }

        if (!stored.Id.Span.SequenceEqual(rawId))
        {
            return WebAuthnErrors.CredentialIdMismatch;
        }

        if (response.UserHandle is not null)
        {
            if (!WebAuthnBase64Url.TryDecode(response.UserHandle, WebAuthnLimits.MaxUserHandleBytes, out var userHandle))
            {
                return WebAuthnErrors.BadBase64Url;
            }

            if (!userHandle.AsSpan().SequenceEqual(stored.UserHandle.Span))
            {
                return WebAuthnErrors.UserHandleMismatch;
            }
        }

        return null;
    }

    private static string? VerifySignature(WebAuthnPublicKey? cached, ReadOnlyMemory<byte> storedKey, byte[] signedData, byte[] signature)
    {
        if (cached is not null)
        {
            return cached.VerifySignature(signedData, signature);
        }

        if (!WebAuthnPublicKey.TryParse(storedKey, out var key, out var error))
        {
            return error;
        }

        using (key)
        {
            return key.VerifySignature(signedData, signature);
        }
    }
}
