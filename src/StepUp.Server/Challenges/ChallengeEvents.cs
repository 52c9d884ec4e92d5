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

        var context = new JsonObject();
        if (challenge.ContextIp is not null) context["ip"] = challenge.ContextIp;
        if (challenge.ContextUserAgent is not null) context["user_agent"] = challenge.ContextUserAgent;
        if (challenge.ContextDeviceId is not null) context["device_id"] = challenge.ContextDeviceId;
        if (challenge.ContextCountry is not null)
        {
            var geo = new JsonObject { ["country"] = challenge.ContextCountry };
            if (challenge.ContextCity is not null) geo["city"] = challenge.ContextCity;
            context["geo"] = geo;
        }

        if (context.Count > 0)
        {
            payload["context"] = context;
        }

        return payload;
    }
}
