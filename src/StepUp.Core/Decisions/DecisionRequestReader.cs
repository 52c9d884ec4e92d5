using System.Text.Json;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;

namespace StepUp.Core.Decisions;

/// <summary>
/// Reads a decision request from JSON (the HTTP body, a test case or a stored audit input) and
/// names every field that is missing or mistyped. Unknown fields are ignored. JSON numbers become
/// doubles, as SPEC §4.2 says.
/// </summary>
public static class DecisionRequestReader
{
    public const int MaxIdLength = 256;
    public const int MaxAttributeDepth = 16;

    /// <summary>Reads a request; returns null and fills <paramref name="errors"/> when it is invalid.</summary>
    public static DecisionRequest? Read(JsonElement root, DateTimeOffset now, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "the body must be a JSON object"));
            return null;
        }

        SubjectInput? subject = null;
        if (!root.TryGetProperty("subject", out var subjectJson))
        {
            errors.Add(new FieldError("subject", "is required"));
        }
        else if (subjectJson.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("subject", "must be an object"));
        }
        else
        {
            var id = RequiredString(subjectJson, "id", "subject.id", errors);
            subject = new SubjectInput
            {
                Id = id ?? string.Empty,
                SessionId = OptionalString(subjectJson, "session_id", "subject.session_id", errors),
                Attributes = Attributes(subjectJson, "subject.attributes", errors),
            };
        }

        var action = RequiredString(root, "action", "action", errors);
        if (action is not null && !PolicyLoader.IsActionName(action))
        {
            errors.Add(new FieldError("action", "must be a dotted name such as payments.transfer"));
        }

        ResourceInput? resource = null;
        if (root.TryGetProperty("resource", out var resourceJson) && resourceJson.ValueKind != JsonValueKind.Null)
        {
            if (resourceJson.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError("resource", "must be an object"));
            }
            else
            {
                resource = new ResourceInput
                {
                    Type = OptionalString(resourceJson, "type", "resource.type", errors),
                    Id = OptionalString(resourceJson, "id", "resource.id", errors),
                    Attributes = Attributes(resourceJson, "resource.attributes", errors),
                };
            }
        }

        var context = ReadContext(root, errors);
        var token = OptionalString(root, "elevation_token", "elevation_token", errors, maxLength: 8192);
        if (errors.Count > 0 || subject is null || action is null)
        {
            return null;
        }

        var input = new DecisionInput { Subject = subject, Action = action, Resource = resource, Context = context, Now = now };
        return new DecisionRequest(input, token);
    }

    private static ContextInput ReadContext(JsonElement root, List<FieldError> errors)
    {
        if (!root.TryGetProperty("context", out var json) || json.ValueKind == JsonValueKind.Null)
        {
            return new ContextInput();
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("context", "must be an object"));
            return new ContextInput();
        }

        var ip = OptionalString(json, "ip", "context.ip", errors);
        if (ip is not null && !StepUp.Core.Policy.Conditions.IpAddressParser.TryParse(ip, out _, out _))
        {
            errors.Add(new FieldError("context.ip", "must be an IPv4 or IPv6 address"));
        }

        AuthInput? auth = null;
        if (json.TryGetProperty("auth", out var authJson) && authJson.ValueKind != JsonValueKind.Null)
        {
            if (authJson.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError("context.auth", "must be an object"));
            }
            else
            {
                auth = new AuthInput
                {
                    Level = OptionalString(authJson, "level", "context.auth.level", errors),
                    Amr = StringList(authJson, "amr", "context.auth.amr", errors),
                    AuthTime = OptionalInteger(authJson, "auth_time", "context.auth.auth_time", errors),
                };
            }
        }

        return new ContextInput
        {
            Ip = ip,
            UserAgent = OptionalString(json, "user_agent", "context.user_agent", errors, maxLength: 1024),
            DeviceId = OptionalString(json, "device_id", "context.device_id", errors),
            Auth = auth,
        };
    }

    private static string? RequiredString(JsonElement obj, string name, string path, List<FieldError> errors)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new FieldError(path, "is required"));
            return null;
        }

        var text = AsString(value, path, errors, MaxIdLength);
        if (text is { Length: 0 })
        {
            errors.Add(new FieldError(path, "must not be empty"));
            return null;
        }

        return text;
    }

    private static string? OptionalString(JsonElement obj, string name, string path, List<FieldError> errors, int maxLength = MaxIdLength) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? AsString(value, path, errors, maxLength) : null;

    private static string? AsString(JsonElement value, string path, List<FieldError> errors, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError(path, "must be a string"));
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            errors.Add(new FieldError(path, $"must be at most {maxLength} characters"));
            return null;
        }

        return text;
    }

    private static long? OptionalInteger(JsonElement obj, string name, string path, List<FieldError> errors)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            errors.Add(new FieldError(path, "must be an integer (unix seconds)"));
            return null;
        }

        return number;
    }

    private static List<string>? StringList(JsonElement obj, string name, string path, List<FieldError> errors)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError(path, "must be a list of strings"));
            return null;
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add(new FieldError(path, "must be a list of strings"));
                return null;
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    private static IReadOnlyDictionary<string, CelValue> Attributes(JsonElement obj, string path, List<FieldError> errors)
    {
        if (!obj.TryGetProperty("attributes", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return DecisionInput.EmptyMap;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(path, "must be an object"));
            return DecisionInput.EmptyMap;
        }

        return ToMap(value, 1);
    }

    /// <summary>Converts a JSON value to a condition value; numbers become doubles.</summary>
    public static CelValue ToCelValue(JsonElement value) => ToValue(value, 1);

    private static CelValue ToValue(JsonElement value, int depth)
    {
        if (depth > MaxAttributeDepth)
        {
            throw new JsonException($"attributes nest deeper than {MaxAttributeDepth} levels");
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => CelValue.FromString(value.GetString()!),
            JsonValueKind.Number => double.IsFinite(value.GetDouble())
                ? CelValue.FromDouble(value.GetDouble())
                : throw new JsonException("a number is out of the range of a double"),
            JsonValueKind.True => CelValue.True,
            JsonValueKind.False => CelValue.False,
            JsonValueKind.Array => CelValue.FromList(value.EnumerateArray().Select(item => ToValue(item, depth + 1)).ToArray()),
            JsonValueKind.Object => CelValue.FromMap(ToMap(value, depth + 1)),
            _ => CelValue.Null,
        };
    }

    private static Dictionary<string, CelValue> ToMap(JsonElement obj, int depth)
    {
        var map = new Dictionary<string, CelValue>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            map[property.Name] = ToValue(property.Value, depth);
        }

        return map;
    }
}
