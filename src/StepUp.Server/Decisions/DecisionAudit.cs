using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Risk;

namespace StepUp.Server.Decisions;

/// <summary>
/// Builds the <c>decision.evaluated</c> event: the SPEC §7 fields plus <c>input</c> (the request
/// without its token), every risk value and the <c>policy_version</c>, so a candidate policy can be
/// replayed over past traffic.
/// </summary>
internal static class DecisionAudit
{
    public static AuditEventDraft Evaluated(DecisionOutcome outcome, DecisionInput input)
    {
        var evaluation = outcome.Evaluation;
        var payload = new JsonObject
        {
            ["outcome"] = outcome.EffectName,
            ["severity"] = outcome.Effect == RuleEffect.Deny ? "medium" : "info",
            ["app"] = outcome.App,
            ["subject"] = Subject(input.Subject),
            ["action"] = input.Action,
        };
        if (input.Resource is { } resource && (resource.Type is not null || resource.Id is not null))
        {
            var res = new JsonObject();
            if (resource.Type is not null) res["type"] = resource.Type;
            if (resource.Id is not null) res["id"] = resource.Id;
            payload["resource"] = res;
        }

        var context = Context(input.Context);
        if (context.Count > 0)
        {
            payload["context"] = context;
        }

        var rules = new JsonArray();
        foreach (var rule in evaluation.AppliedRules)
        {
            rules.Add(rule.Id);
        }

        var decision = new JsonObject { ["effect"] = outcome.EffectName, ["rules"] = rules };
        if (evaluation.Effect == RuleEffect.StepUp)
        {
            decision["policy_effect"] = "step_up";
            decision["level"] = evaluation.Level.ToName();
            decision["methods"] = new JsonArray(evaluation.Methods.ToNames().Select(m => (JsonNode?)m).ToArray());
            decision["max_age"] = (long)evaluation.MaxAge.TotalSeconds;
        }

        var reasons = new JsonArray();
        foreach (var reason in outcome.Reasons)
        {
            reasons.Add(reason);
        }

        decision["reasons"] = reasons;
        if (outcome.Elevation is { } elevation)
        {
            decision["elevation_id"] = elevation.Id;
        }

        if (outcome.Challenge is { } issued)
        {
            payload["challenge"] = new JsonObject { ["id"] = issued.Challenge.Id };
        }

        payload["decision"] = decision;
        payload["risk"] = Risk(outcome.Risk);
        payload["input"] = DecisionInputJson.ToJson(input);
        payload["policy_version"] = evaluation.Policy.Version;
        return new AuditEventDraft { Type = "decision.evaluated", Id = outcome.DecisionId, Payload = payload };
    }

    private static JsonObject Subject(SubjectInput subject)
    {
        var json = new JsonObject { ["id"] = subject.Id };
        if (subject.SessionId is not null)
        {
            json["session_id"] = subject.SessionId;
        }

        return json;
    }

    private static JsonObject Context(ContextInput context)
    {
        var json = new JsonObject();
        if (context.Ip is not null) json["ip"] = context.Ip;
        if (context.UserAgent is not null) json["user_agent"] = context.UserAgent;
        if (context.DeviceId is not null) json["device_id"] = context.DeviceId;
        if (context.Geo.Count > 0)
        {
            var geo = new JsonObject();
            foreach (var (key, value) in context.Geo)
            {
                geo[key] = DecisionInputJson.ToJson(value);
            }

            json["geo"] = geo;
        }

        return json;
    }

    /// <summary>Every risk value (not only those that fired), for replay.</summary>
    public static JsonObject Risk(RiskSignals risk)
    {
        var signals = new JsonArray();
        foreach (var signal in risk.Fired)
        {
            signals.Add(signal);
        }

        return new JsonObject
        {
            ["score"] = risk.Score,
            ["level"] = risk.Level,
            ["signals"] = signals,
            ["new_device"] = risk.NewDevice,
            ["new_country"] = risk.NewCountry,
            ["new_ip"] = risk.NewIp,
            ["impossible_travel"] = risk.ImpossibleTravel,
            ["travel_speed_kmh"] = risk.TravelSpeedKmh,
            ["failures_1h"] = risk.Failures1h,
            ["ip_failures_1h"] = risk.IpFailures1h,
            ["anonymous_ip"] = risk.AnonymousIp,
        };
    }
}
