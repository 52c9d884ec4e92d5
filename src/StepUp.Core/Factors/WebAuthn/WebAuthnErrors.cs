namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// The stable error codes of WebAuthn verification. They go to the audit trail and logs; clients
/// get a generic problem, never the code's detail. See <c>docs/factors-webauthn.md</c>.
/// </summary>
public static class WebAuthnErrors
{
    /// <summary>The response JSON lacks a required member or has one of the wrong JSON type.</summary>
    public const string MalformedResponse = "webauthn_malformed_response";

    /// <summary>A binary member is not unpadded base64url, is non-canonical, or is longer than its limit.</summary>
    public const string BadBase64Url = "webauthn_bad_base64url";

    /// <summary>The credential's <c>type</c> is not <c>public-key</c>.</summary>
    public const string BadCredentialType = "webauthn_bad_credential_type";

    /// <summary><c>id</c> and <c>rawId</c> disagree, or the credential is not the one in the authenticator data or the store.</summary>
    public const string CredentialIdMismatch = "webauthn_credential_id_mismatch";

    /// <summary>The credential id is empty or longer than 1023 bytes.</summary>
    public const string CredentialIdLength = "webauthn_credential_id_length";

    /// <summary>The credential is not among <c>allowCredentials</c>.</summary>
    public const string CredentialNotAllowed = "webauthn_credential_not_allowed";

    /// <summary>The assertion's <c>userHandle</c> is not the stored owner's.</summary>
    public const string UserHandleMismatch = "webauthn_user_handle_mismatch";

    /// <summary><c>clientDataJSON</c> is not UTF-8 JSON with string <c>type</c>, <c>challenge</c>, <c>origin</c> (or has duplicate members).</summary>
    public const string MalformedClientData = "webauthn_malformed_client_data";

    /// <summary>The client data <c>type</c> is not <c>webauthn.create</c> / <c>webauthn.get</c> as the ceremony needs.</summary>
    public const string ClientDataType = "webauthn_client_data_type";

    /// <summary>The client data challenge is not the challenge this ceremony issued.</summary>
    public const string ChallengeMismatch = "webauthn_challenge_mismatch";

    /// <summary>The client data origin is not among the configured origins.</summary>
    public const string OriginNotAllowed = "webauthn_origin_not_allowed";

    /// <summary><c>crossOrigin</c> is true (or <c>topOrigin</c> is present): the ceremony ran in a cross-origin iframe.</summary>
    public const string CrossOrigin = "webauthn_cross_origin";

    /// <summary>The attestation object is not well-formed CBOR of the WebAuthn subset.</summary>
    public const string MalformedCbor = "webauthn_malformed_cbor";

    /// <summary>The attestation object is CBOR but lacks <c>fmt</c>, <c>attStmt</c> or <c>authData</c>, or they have the wrong type.</summary>
    public const string MalformedAttestationObject = "webauthn_malformed_attestation_object";

    /// <summary>The authenticator data is truncated, has trailing bytes, or its embedded CBOR is malformed.</summary>
    public const string MalformedAuthenticatorData = "webauthn_malformed_authenticator_data";

    /// <summary>The rpIdHash is not SHA-256 of the configured RP ID.</summary>
    public const string RpIdMismatch = "webauthn_rp_id_mismatch";

    /// <summary>The UP flag is not set.</summary>
    public const string UserNotPresent = "webauthn_user_not_present";

    /// <summary>User verification was required and the UV flag is not set.</summary>
    public const string UserNotVerified = "webauthn_user_not_verified";

    /// <summary>BS is set while BE is not.</summary>
    public const string BackupStateInvalid = "webauthn_backup_state_invalid";

    /// <summary>The BE flag differs from the one recorded at registration.</summary>
    public const string BackupEligibilityChanged = "webauthn_backup_eligibility_changed";

    /// <summary>A registration's authenticator data carries no attested credential data (AT not set).</summary>
    public const string MissingAttestedCredential = "webauthn_missing_attested_credential";

    /// <summary>The COSE public key is malformed (missing or extra parameters, wrong sizes, not on the curve).</summary>
    public const string MalformedPublicKey = "webauthn_malformed_public_key";

    /// <summary>The key's type or algorithm is not one StepUp verifies (ES256 and RS256 only).</summary>
    public const string UnsupportedAlgorithm = "webauthn_unsupported_algorithm";

    /// <summary>The key's algorithm is not among the algorithms this registration allows.</summary>
    public const string AlgorithmNotAllowed = "webauthn_algorithm_not_allowed";

    /// <summary>The attestation format is not <c>none</c> or self-attested <c>packed</c>.</summary>
    public const string AttestationUnsupported = "webauthn_attestation_unsupported";

    /// <summary>The attestation statement does not have the shape its format requires (or names another algorithm).</summary>
    public const string BadAttestationStatement = "webauthn_bad_attestation_statement";

    /// <summary>The signature is not structurally valid (DER for ES256, modulus length for RS256).</summary>
    public const string MalformedSignature = "webauthn_malformed_signature";

    /// <summary>The signature does not verify with the credential's public key.</summary>
    public const string BadSignature = "webauthn_bad_signature";

    /// <summary>A signature counter is non-zero and the new one is not greater than the stored one: a possible clone.</summary>
    public const string SignCountRegressed = "webauthn_sign_count_regressed";
}
