using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>Reads the JSON fields the reports use, treating anything unexpected as absent.</summary>
internal static class EvidenceJson
{
    /// <summary>
    /// The payload of <paramref name="evt"/>; null when it was erased or its stored text is not JSON
    /// (a tampered row: the chain verification in the same report says so).
    /// </summary>
    internal static JsonObject? PayloadOf(AuditEvent evt)
    {
        if (evt.Erased)
        {
            return null;
        }

        try
        {
            return evt.Payload;
        }
        catch (AuditEventFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The fields step-up matching reads from a <c>decision.evaluated</c> payload, all null when it is erased
    /// or unreadable. A stored payload is read as a <see cref="JsonDocument"/> with the options of
    /// <see cref="AuditEvent.Payload"/> (same answers, without building the node tree for a million decisions).
    /// </summary>
    internal static DecisionFields Decision(AuditEvent evt)
    {
        if (evt.Erased)
        {
            return default;
        }

        if (evt.StoredPayloadUtf8 is not { } stored)
        {
            var payload = evt.Payload;
            var node = payload["decision"];
            return new DecisionFields(Text(node, "effect"), Text(node, "policy_effect"), Text(node, "elevation_id"), Text(payload["challenge"], "id"));
        }

        try
        {
            using var document = JsonDocument.Parse(stored, AuditEvent.StoredPayloadOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            var decision = Property(root, "decision");
            return new DecisionFields(Text(decision, "effect"), Text(decision, "policy_effect"), Text(decision, "elevation_id"), Text(Property(root, "challenge"), "id"));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary><c>challenge.id</c> of a payload; null when absent, not a string, erased or unreadable.</summary>
    internal static string? ChallengeId(AuditEvent evt) => Decision(evt).ChallengeId;

    internal static string? Text(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonElement Property(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? value : default;

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>What step-up matching reads from one event.</summary>
internal readonly record struct DecisionFields(string? Effect, string? PolicyEffect, string? ElevationId, string? ChallengeId);
