using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace StepUp.Core.Factors.WebAuthn;

/// <summary>Shape checks for the L3 response JSON: every accessor is guarded by a kind check, so nothing throws.</summary>
internal static class ResponseJson
{
    public static bool TryGetCommon(JsonElement json, [NotNullWhen(true)] out string? id, [NotNullWhen(true)] out string? rawId,
        [NotNullWhen(true)] out string? type, out JsonElement response, out string? attachment)
    {
        id = rawId = type = attachment = null;
        response = default;
        if (json.ValueKind != JsonValueKind.Object ||
            !TryGetString(json, "id", out id) ||
            !TryGetString(json, "rawId", out rawId) ||
            !TryGetString(json, "type", out type) ||
            !json.TryGetProperty("response", out response) || response.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (json.TryGetProperty("authenticatorAttachment", out var a))
        {
            if (a.ValueKind == JsonValueKind.String)
            {
                attachment = a.GetString();
            }
            else if (a.ValueKind != JsonValueKind.Null)
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryGetString(JsonElement obj, string name, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return value is not null;
    }

    /// <summary>An absent or null member is null; a string is itself; anything else is malformed.</summary>
    public static bool TryGetOptionalString(JsonElement obj, string name, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }

    public static bool TryGetTransports(JsonElement response, out IReadOnlyList<string> transports)
    {
        transports = [];
        if (!response.TryGetProperty("transports", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > WebAuthnLimits.MaxTransports)
        {
            return false;
        }

        var list = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 and <= WebAuthnLimits.MaxTransportLength } transport)
            {
                return false;
            }

            list.Add(transport);
        }

        transports = list;
        return true;
    }
}
