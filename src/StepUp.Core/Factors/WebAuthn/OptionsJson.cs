using System.Text.Json.Nodes;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>Pieces shared by the two options builders.</summary>
internal static class OptionsJson
{
    /// <summary>WebAuthn L3 §13.4.3: challenges of at least 16 random bytes.</summary>
    public const int MinChallengeBytes = 16;

    public static string Name(WebAuthnUserVerification value) => value switch
    {
        WebAuthnUserVerification.Required => "required",
        WebAuthnUserVerification.Discouraged => "discouraged",
        _ => "preferred",
    };

    public static string Name(WebAuthnResidentKey value) => value switch
    {
        WebAuthnResidentKey.Required => "required",
        WebAuthnResidentKey.Discouraged => "discouraged",
        _ => "preferred",
    };

    public static JsonArray Descriptors(IEnumerable<WebAuthnCredentialDescriptor> descriptors)
    {
        var array = new JsonArray();
        foreach (var descriptor in descriptors)
        {
            if (descriptor.Id.IsEmpty || descriptor.Id.Length > WebAuthnLimits.MaxCredentialIdBytes)
            {
                throw new ArgumentException("A credential descriptor's id must be 1 to 1023 bytes.", nameof(descriptors));
            }

            var item = new JsonObject
            {
                ["type"] = CeremonyChecks.PublicKeyType,
                ["id"] = WebAuthnBase64Url.Encode(descriptor.Id.Span),
            };
            if (descriptor.Transports is { Count: > 0 } transports)
            {
                item["transports"] = new JsonArray([.. transports.Select(t => (JsonNode)JsonValue.Create(t))]);
            }

            array.Add(item);
        }

        return array;
    }

    public static void ValidateChallenge(ReadOnlyMemory<byte> challenge)
    {
        if (challenge.Length < MinChallengeBytes)
        {
            throw new ArgumentException($"A challenge must have at least {MinChallengeBytes} random bytes.", nameof(challenge));
        }
    }

    public static long Milliseconds(TimeSpan timeout) =>
        timeout > TimeSpan.Zero ? (long)timeout.TotalMilliseconds : throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
}
