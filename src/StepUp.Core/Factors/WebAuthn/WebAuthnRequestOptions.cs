using System.Text.Json.Nodes;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// Builds <c>PublicKeyCredentialRequestOptionsJSON</c> (WebAuthn L3 §5.1), the object a page hands to
/// <c>PublicKeyCredential.parseRequestOptionsFromJSON()</c>.
/// </summary>
public sealed record WebAuthnRequestOptions
{
    /// <summary>At least 16 random bytes, single use.</summary>
    public required ReadOnlyMemory<byte> Challenge { get; init; }

    /// <summary>The RP ID the credentials were registered for.</summary>
    public required string RpId { get; init; }

    /// <summary>The subject's credentials; a step-up always names them (never an empty, discoverable request).</summary>
    public required IReadOnlyList<WebAuthnCredentialDescriptor> AllowCredentials { get; init; }

    /// <summary><c>required</c> when the level is <c>aal3</c>.</summary>
    public WebAuthnUserVerification UserVerification { get; init; } = WebAuthnUserVerification.Preferred;

    /// <summary>How long the browser waits for the user.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The JSON object, with every binary member base64url without padding.</summary>
    /// <exception cref="ArgumentException">A member is empty or out of range.</exception>
    public JsonObject ToJson()
    {
        ArgumentException.ThrowIfNullOrEmpty(RpId);
        ArgumentNullException.ThrowIfNull(AllowCredentials);
        OptionsJson.ValidateChallenge(Challenge);
        return new JsonObject
        {
            ["challenge"] = WebAuthnBase64Url.Encode(Challenge.Span),
            ["timeout"] = OptionsJson.Milliseconds(Timeout),
            ["rpId"] = RpId,
            ["allowCredentials"] = OptionsJson.Descriptors(AllowCredentials),
            ["userVerification"] = OptionsJson.Name(UserVerification),
        };
    }
}
