using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Security;

/// <summary>RFC 7517 JWK Set documents (<c>{ "keys": [ … ] }</c>) of StepUp's ES256 public keys.</summary>
public static class JsonWebKeySet
{
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>The JWK Set of <paramref name="keys"/>, in the given order.</summary>
    public static JsonObject ToJson(IEnumerable<EcPublicJwk> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var array = new JsonArray();
        foreach (var key in keys)
        {
            array.Add(key.ToJson());
        }

        return new JsonObject { ["keys"] = array };
    }

    /// <summary>
    /// The P-256 signing keys of a JWK Set. Keys of other types are skipped, as RFC 7517 §5 asks
    /// of keys a reader does not understand.
    /// </summary>
    /// <exception cref="FormatException">Not JSON, or no <c>keys</c> array.</exception>
    public static IReadOnlyList<EcPublicJwk> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: ParseOptions);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The JWK Set is not valid JSON.", ex);
        }

        if (root is not JsonObject obj || obj["keys"] is not JsonArray array)
        {
            throw new FormatException("A JWK Set is an object with a \"keys\" array.");
        }

        var keys = new List<EcPublicJwk>();
        foreach (var item in array)
        {
            if (EcPublicJwk.TryParse(item as JsonObject, out var key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}
