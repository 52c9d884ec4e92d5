using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// A <c>RegistrationResponseJSON</c> (WebAuthn L3 §5.1, what <c>credential.toJSON()</c> gives after
/// <c>navigator.credentials.create()</c>): binary members stay base64url strings until verification.
/// The convenience members <c>response.publicKey</c>, <c>publicKeyAlgorithm</c> and
/// <c>authenticatorData</c> are ignored: the attestation object is the authoritative source.
/// </summary>
public sealed record WebAuthnRegistrationResponse
{
    /// <summary>The credential id, base64url.</summary>
    public required string Id { get; init; }

    /// <summary>The credential id, base64url; must equal <see cref="Id"/>.</summary>
    public required string RawId { get; init; }

    /// <summary>Must be <c>public-key</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>response.clientDataJSON</c>, base64url.</summary>
    public required string ClientDataJson { get; init; }

    /// <summary><c>response.attestationObject</c>, base64url.</summary>
    public required string AttestationObject { get; init; }

    /// <summary><c>response.transports</c> as the browser reported them (hints for later <c>allowCredentials</c>).</summary>
    public IReadOnlyList<string> Transports { get; init; } = [];

    /// <summary><c>authenticatorAttachment</c>: <c>platform</c>, <c>cross-platform</c> or null.</summary>
    public string? AuthenticatorAttachment { get; init; }

    /// <summary>Reads a <c>RegistrationResponseJSON</c>; false when a required member is missing or of the wrong JSON type.</summary>
    public static bool TryParse(JsonElement json, [NotNullWhen(true)] out WebAuthnRegistrationResponse? response)
    {
        response = null;
        if (!ResponseJson.TryGetCommon(json, out var id, out var rawId, out var type, out var inner, out var attachment) ||
            !ResponseJson.TryGetString(inner, "clientDataJSON", out var clientData) ||
            !ResponseJson.TryGetString(inner, "attestationObject", out var attestationObject) ||
            !ResponseJson.TryGetTransports(inner, out var transports))
        {
            return false;
        }

        response = new WebAuthnRegistrationResponse
        {
            Id = id,
            RawId = rawId,
            Type = type,
            ClientDataJson = clientData,
            AttestationObject = attestationObject,
            Transports = transports,
            AuthenticatorAttachment = attachment,
        };
        return true;
    }
}
