using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;

namespace StepUp.Server.Elevations;

/// <summary>Audit events of elevations: granted, used, revoked, scope violations. Never the token itself.</summary>
internal static class ElevationEvents
{
    public static AuditEventDraft Granted(Elevation elevation) =>
        Event(AuditEventTypes.ElevationGranted, elevation, "success", "info");

    public static AuditEventDraft Used(Elevation elevation, DecisionInput input)
    {
        var draft = Event(AuditEventTypes.ElevationUsed, elevation, "success", "info");
        draft.Payload["action"] = input.Action;
        return draft;
    }

    public static AuditEventDraft Revoked(Elevation elevation, string reason)
    {
        var draft = Event(AuditEventTypes.ElevationRevoked, elevation, "success", "info");
        draft.Payload["reason"] = reason;
        return draft;
    }

    public static AuditEventDraft ScopeViolation(string app, DecisionInput input, Elevation? presented, string reason)
    {
        var payload = new JsonObject
        {
            ["outcome"] = "failure",
            ["severity"] = "medium",
            ["app"] = app,
            ["subject"] = Subject(input.Subject.Id, input.Subject.SessionId),
            ["action"] = input.Action,
            ["reason"] = reason,
        };
        if (presented is not null)
        {
            payload["elevation"] = Describe(presented);
        }

        return new AuditEventDraft { Type = AuditEventTypes.ElevationScopeViolation, Payload = payload };
    }

    private static AuditEventDraft Event(string type, Elevation elevation, string outcome, string severity)
    {
        var payload = new JsonObject
        {
            ["outcome"] = outcome,
            ["severity"] = severity,
            ["app"] = elevation.App,
            ["subject"] = Subject(elevation.SubjectId, elevation.SessionId),
            ["action"] = elevation.Action,
        };
        if (elevation.Resource is { } resource)
        {
            var res = new JsonObject();
            if (resource.Type is not null) res["type"] = resource.Type;
            if (resource.Id is not null) res["id"] = resource.Id;
            payload["resource"] = res;
        }

        payload["elevation"] = Describe(elevation);
        return new AuditEventDraft { Type = type, Payload = payload };
    }

    private static JsonObject Describe(Elevation elevation) => new()
    {
        ["id"] = elevation.Id,
        ["level"] = elevation.Level.ToName(),
        ["amr"] = new JsonArray(elevation.Amr.Select(a => (JsonNode?)a).ToArray()),
        ["auth_time"] = AuditTime.ToText(elevation.AuthTime),
        ["expires_at"] = AuditTime.ToText(elevation.ExpiresAt),
        ["action"] = elevation.Action,
        ["once"] = elevation.Once,
        ["challenge_id"] = elevation.ChallengeId,
    };

    private static JsonObject Subject(string id, string? session)
    {
        var subject = new JsonObject { ["id"] = id };
        if (session is not null)
        {
            subject["session_id"] = session;
        }

        return subject;
    }
}
