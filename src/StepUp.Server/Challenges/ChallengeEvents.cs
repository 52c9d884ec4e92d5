using System.Text.Json.Nodes;
using StepUp.Core.Challenges;

namespace StepUp.Server.Challenges;

/// <summary>The fields every challenge-related audit event shares (SPEC §7).</summary>
internal static class ChallengeEvents
{
    public static JsonObject Base(Challenge challenge, string outcome, string severity)
    {
        var payload = new JsonObject
        {
            ["outcome"] = outcome,
            ["severity"] = severity,
            ["app"] = challenge.App,
            ["subject"] = new JsonObject { ["id"] = challenge.SubjectId, ["session_id"] = challenge.SessionId },
            ["action"] = challenge.Action,
        };
        if (challenge.Resource is { } resource && (resource.Type is not null || resource.Id is not null))
        {
            var res = new JsonObject();
            if (resource.Type is not null) res["type"] = resource.Type;
            if (resource.Id is not null) res["id"] = resource.Id;
            payload["resource"] = res;
        }

        if (challenge.ContextIp is not null)
        {
            payload["context"] = new JsonObject { ["ip"] = challenge.ContextIp };
        }

        return payload;
    }
}
