using System.Text.Json;
using StepUp.AspNetCore.Decisions;

namespace StepUp.AspNetCore.Tokens;

/// <summary>The claims of a signature-checked elevation token that the local check compares with the request.</summary>
internal sealed class TokenClaims
{
    private TokenClaims()
    {
    }

    public string? Issuer { get; private init; }
    public IReadOnlyList<string> Audiences { get; private init; } = [];
    public long? Expires { get; private init; }
    public string? Subject { get; private init; }
    public string? Session { get; private init; }
    public string? Action { get; private init; }
    public string? ElevationId { get; private init; }

    /// <summary>True unless the token says <c>stepup_once: false</c> explicitly: anything else is only honoured online.</summary>
    public bool Once { get; private init; }

    /// <summary>Whether <c>stepup_resource</c> is present (the elevation is bound to a resource).</summary>
    public bool Bound { get; private init; }
    public string? ResourceType { get; private init; }
    public string? ResourceId { get; private init; }
    public string? ResourceDigest { get; private init; }

    /// <summary>Reads the payload; null when it is not a JSON object.</summary>
    public static TokenClaims? Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocuments.TryParse(payload);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var root = document.RootElement;
        var bound = root.TryGetProperty("stepup_resource", out var resource) && resource.ValueKind != JsonValueKind.Null;
        return new TokenClaims
        {
            Issuer = Text(root, "iss"),
            Audiences = Audience(root),
            Expires = root.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds) ? seconds : null,
            Subject = Text(root, "sub"),
            Session = Text(root, "sid"),
            Action = Text(root, "stepup_action"),
            ElevationId = Text(root, "jti"),
            Once = !(root.TryGetProperty("stepup_once", out var once) && once.ValueKind == JsonValueKind.False),
            Bound = bound,
            // A bound claim that is not an object has no digest, so it never matches a resource.
            ResourceType = bound && resource.ValueKind == JsonValueKind.Object ? Text(resource, "type") : null,
            ResourceId = bound && resource.ValueKind == JsonValueKind.Object ? Text(resource, "id") : null,
            ResourceDigest = bound && resource.ValueKind == JsonValueKind.Object ? Text(resource, "digest") : null,
        };
    }

    private static List<string> Audience(JsonElement root)
    {
        var audiences = new List<string>(1);
        if (!root.TryGetProperty("aud", out var aud))
        {
            return audiences;
        }

        if (aud.ValueKind == JsonValueKind.String)
        {
            audiences.Add(aud.GetString()!);
        }
        else if (aud.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in aud.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    audiences.Add(item.GetString()!);
                }
            }
        }

        return audiences;
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
