using System.Text.Json;
using System.Text.Json.Nodes;

namespace StepUp.Storage;

/// <summary>The payload fields that stores copy into indexed columns for <see cref="AuditQuery"/> filters.</summary>
internal readonly record struct AuditIndexFields(string? App, string? SubjectId, string? SessionId, string? Action, string? Outcome, string? Ip)
{
    public static AuditIndexFields From(JsonObject payload)
    {
        var subject = payload["subject"] as JsonObject;
        var context = payload["context"] as JsonObject;
        return new AuditIndexFields(
            Text(payload["app"]),
            Text(subject?["id"]),
            Text(subject?["session_id"]),
            Text(payload["action"]),
            Text(payload["outcome"]),
            Text(context?["ip"]));
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
