using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// An <c>AuthenticationResponseJSON</c> (WebAuthn L3 §5.1, <c>credential.toJSON()</c> after
/// <c>navigator.credentials.get()</c>): binary members stay base64url strings until verification.
/// </summary>
public sealed record WebAuthnAssertionResponse
{
    /// <summary>The credential id, base64url.</summary>
    public required string Id { get; init; }

    /// <summary>The credential id, base64url; must equal <see cref="Id"/>.</summary>
    public required string RawId { get; init; }

    /// <summary>Must be <c>public-key</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>response.clientDataJSON</c>, base64url.</summary>
    public required string ClientDataJson { get; init; }

    /// <summary><c>response.authenticatorData</c>, base64url.</summary>
    public required string AuthenticatorData { get; init; }

    /// <summary><c>response.signature</c>, base64url.</summary>
    public required string Signature { get; init; }

    /// <summary><c>response.userHandle</c>, base64url, or null when the authenticator returned none.</summary>
    public string? UserHandle { get; init; }

    /// <summary><c>authenticatorAttachment</c>: <c>platform</c>, <c>cross-platform</c> or null.</summary>
    public string? AuthenticatorAttachment { get; init; }

    /// <summary>Reads an <c>AuthenticationResponseJSON</c>; false when a required member is missing or of the wrong JSON type.</summary>
    public static bool TryParse(JsonElement json, [NotNullWhen(true)] out WebAuthnAssertionResponse? response)
    {
        response = null;
        if (!ResponseJson.TryGetCommon(json, out var id, out var rawId, out var type, out var inner, out var attachment) ||
            !ResponseJson.TryGetString(inner, "clientDataJSON", out var clientData) ||
            !ResponseJson.TryGetString(inner, "authenticatorData", out var authenticatorData) ||
            !ResponseJson.TryGetString(inner, "signature", out var signature) ||
            !ResponseJson.TryGetOptionalString(inner, "userHandle", out var userHandle))
        {
            return false;
        }

        response = new WebAuthnAssertionResponse
        {
            Id = id,
            RawId = rawId,
            Type = type,
            ClientDataJson = clientData,
            AuthenticatorData = authenticatorData,
            Signature = signature,
            UserHandle = userHandle,
            AuthenticatorAttachment = attachment,
        };
        return true;
    }
}
