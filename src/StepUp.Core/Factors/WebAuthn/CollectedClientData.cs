using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>
/// The members of <c>clientDataJSON</c> (WebAuthn L3 §5.8.1) that verification reads. The JSON is
/// parsed in full (not with the L3 "limited verification" shortcut): it must be valid UTF-8, a JSON
/// object without duplicate members, with string <c>type</c>, <c>challenge</c> and <c>origin</c>, a
/// boolean <c>crossOrigin</c> when present and a string <c>topOrigin</c> when present.
/// </summary>
internal sealed record CollectedClientData(string Type, string Challenge, string Origin, bool? CrossOrigin, string? TopOrigin)
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    public static bool TryParse(ReadOnlyMemory<byte> json, [NotNullWhen(true)] out CollectedClientData? clientData)
    {
        clientData = null;
        if (!Utf8.IsValid(json.Span) || !TryParseDocument(json, out var document))
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !TryGetString(root, "type", required: true, out var type) ||
                !TryGetString(root, "challenge", required: true, out var challenge) ||
                !TryGetString(root, "origin", required: true, out var origin) ||
                !TryGetString(root, "topOrigin", required: false, out var topOrigin))
            {
                return false;
            }

            bool? crossOrigin = null;
            if (root.TryGetProperty("crossOrigin", out var cross))
            {
                if (cross.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return false;
                }

                crossOrigin = cross.ValueKind == JsonValueKind.True;
            }

            clientData = new CollectedClientData(type!, challenge!, origin!, crossOrigin, topOrigin);
            return true;
        }
    }

    private static bool TryGetString(JsonElement root, string name, bool required, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element))
        {
            return !required;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return value is not null;
    }

    private static bool TryParseDocument(ReadOnlyMemory<byte> json, [NotNullWhen(true)] out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(json, Options);
            return true;
        }
        catch (JsonException)
        {
            // Client data that is not JSON is a malformed response, answered with a code, not an error.
            document = null;
            return false;
        }
    }
}
