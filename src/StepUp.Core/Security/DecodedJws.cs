using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Core.Security;

/// <summary>The parts of a compact JWS.</summary>
/// <param name="Header">The protected header.</param>
/// <param name="Payload">The payload bytes.</param>
/// <param name="SigningInput">ASCII of <c>BASE64URL(header) "." BASE64URL(payload)</c>.</param>
/// <param name="Signature">The signature bytes.</param>
public sealed record DecodedJws(JsonObject Header, byte[] Payload, byte[] SigningInput, byte[] Signature)
{
    /// <summary>A string header parameter, or null.</summary>
    public string? HeaderText(string name) =>
        Header[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
