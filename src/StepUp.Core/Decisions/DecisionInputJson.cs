using System.Text.Json.Nodes;
using StepUp.Core.Policy.Conditions;

namespace StepUp.Core.Decisions;

/// <summary>
/// Writes a decision request back as JSON, in the normalised form that <c>decision.evaluated</c>
/// stores as <c>input</c> (known fields only, never the elevation token) so it can be replayed.
/// </summary>
public static class DecisionInputJson
{
    public static JsonObject ToJson(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var subject = new JsonObject { ["id"] = input.Subject.Id };
        AddIfSet(subject, "session_id", input.Subject.SessionId);
        AddMap(subject, "attributes", input.Subject.Attributes);

        var json = new JsonObject { ["subject"] = subject, ["action"] = input.Action };
        if (input.Resource is { } resource)
        {
            var res = new JsonObject();
            AddIfSet(res, "type", resource.Type);
            AddIfSet(res, "id", resource.Id);
            AddMap(res, "attributes", resource.Attributes);
            json["resource"] = res;
        }

        var context = new JsonObject();
        AddIfSet(context, "ip", input.Context.Ip);
        AddIfSet(context, "user_agent", input.Context.UserAgent);
        AddIfSet(context, "device_id", input.Context.DeviceId);
        if (input.Context.Auth is { } auth)
        {
            var authJson = new JsonObject();
            AddIfSet(authJson, "level", auth.Level);
            if (auth.Amr is not null)
            {
                authJson["amr"] = new JsonArray(auth.Amr.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
            }

            if (auth.AuthTime is { } authTime)
            {
                authJson["auth_time"] = authTime;
            }

            context["auth"] = authJson;
        }

        if (context.Count > 0)
        {
            json["context"] = context;
        }

        return json;
    }

    /// <summary>Converts a condition value to JSON (maps, lists and scalars; doubles stay numbers).</summary>
    public static JsonNode? ToJson(CelValue value) => value.Kind switch
    {
        CelKind.Bool => JsonValue.Create(value.AsBool),
        CelKind.Int => JsonValue.Create(value.AsInt),
        CelKind.Double => double.IsFinite(value.AsDouble) ? JsonValue.Create(value.AsDouble) : null,
        CelKind.String => JsonValue.Create(value.AsString),
        CelKind.List => new JsonArray(value.AsList.Select(ToJson).ToArray()),
        CelKind.Map => MapToJson(value.AsMap),
        CelKind.Timestamp or CelKind.Duration => JsonValue.Create(value.ToString()),
        _ => null,
    };

    private static JsonObject MapToJson(IReadOnlyDictionary<string, CelValue> map)
    {
        var json = new JsonObject();
        foreach (var (key, item) in map)
        {
            json[key] = ToJson(item);
        }

        return json;
    }

    private static void AddIfSet(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    private static void AddMap(JsonObject json, string name, IReadOnlyDictionary<string, CelValue> map)
    {
        if (map.Count > 0)
        {
            json[name] = MapToJson(map);
        }
    }
}
