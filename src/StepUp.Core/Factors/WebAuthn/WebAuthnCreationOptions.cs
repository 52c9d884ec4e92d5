using System.Text.Json.Nodes;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// Builds <c>PublicKeyCredentialCreationOptionsJSON</c> (WebAuthn L3 §5.1), the object a page hands to
/// <c>PublicKeyCredential.parseCreationOptionsFromJSON()</c>. Attestation is always <c>none</c>.
/// </summary>
public sealed record WebAuthnCreationOptions
{
    /// <summary>The RP ID (a registrable domain of the origins, e.g. <c>example.com</c>).</summary>
    public required string RpId { get; init; }

    /// <summary>A human-readable RP name.</summary>
    public required string RpName { get; init; }

    /// <summary>The user handle: 1–64 opaque bytes, no personal data (WebAuthn L3 §14.6.1).</summary>
    public required ReadOnlyMemory<byte> UserId { get; init; }

    /// <summary>The account name shown by the authenticator.</summary>
    public required string UserName { get; init; }

    /// <summary>The display name shown by the authenticator (may be empty).</summary>
    public required string UserDisplayName { get; init; }

    /// <summary>At least 16 random bytes, single use.</summary>
    public required ReadOnlyMemory<byte> Challenge { get; init; }

    /// <summary>COSE algorithms offered, in order of preference.</summary>
    public IReadOnlyList<int> Algorithms { get; init; } = WebAuthnAlgorithms.All;

    /// <summary>How long the browser waits for the user; 5 minutes like a challenge.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The subject's existing credentials, so one authenticator is not registered twice.</summary>
    public IReadOnlyList<WebAuthnCredentialDescriptor> ExcludeCredentials { get; init; } = [];

    public WebAuthnResidentKey ResidentKey { get; init; } = WebAuthnResidentKey.Preferred;

    public WebAuthnUserVerification UserVerification { get; init; } = WebAuthnUserVerification.Preferred;

    /// <summary>The JSON object, with every binary member base64url without padding.</summary>
    /// <exception cref="ArgumentException">A member is empty or out of range.</exception>
    public JsonObject ToJson()
    {
        ArgumentException.ThrowIfNullOrEmpty(RpId);
        ArgumentException.ThrowIfNullOrEmpty(RpName);
        ArgumentException.ThrowIfNullOrEmpty(UserName);
        ArgumentNullException.ThrowIfNull(UserDisplayName);
        OptionsJson.ValidateChallenge(Challenge);
        if (UserId.IsEmpty || UserId.Length > WebAuthnLimits.MaxUserHandleBytes)
        {
            throw new ArgumentException("The user handle must be 1 to 64 bytes.", nameof(UserId));
        }

        if (Algorithms.Count == 0)
        {
            throw new ArgumentException("At least one algorithm must be offered.", nameof(Algorithms));
        }

        var parameters = new JsonArray();
        foreach (var alg in Algorithms)
        {
            parameters.Add(new JsonObject { ["type"] = CeremonyChecks.PublicKeyType, ["alg"] = alg });
        }

        return new JsonObject
        {
            ["rp"] = new JsonObject { ["id"] = RpId, ["name"] = RpName },
            ["user"] = new JsonObject
            {
                ["id"] = WebAuthnBase64Url.Encode(UserId.Span),
                ["name"] = UserName,
                ["displayName"] = UserDisplayName,
            },
            ["challenge"] = WebAuthnBase64Url.Encode(Challenge.Span),
            ["pubKeyCredParams"] = parameters,
            ["timeout"] = OptionsJson.Milliseconds(Timeout),
            ["excludeCredentials"] = OptionsJson.Descriptors(ExcludeCredentials),
            ["authenticatorSelection"] = new JsonObject
            {
                ["residentKey"] = OptionsJson.Name(ResidentKey),
                ["requireResidentKey"] = ResidentKey == WebAuthnResidentKey.Required,
                ["userVerification"] = OptionsJson.Name(UserVerification),
            },
            ["attestation"] = AttestationStatement.None,
        };
    }
}
