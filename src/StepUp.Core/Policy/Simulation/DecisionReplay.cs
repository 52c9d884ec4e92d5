using System.Text.Json;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;

namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// Rebuilds a <see cref="DecisionInput"/> from a stored <c>decision.evaluated</c> event: the
/// request from <c>input</c>, <c>context.geo</c> and every <c>risk.*</c> value as stored (never
/// recomputed), and <c>now()</c> = the event's <c>time</c>. This is the one place where a stored
/// payload that cannot be read becomes a skip reason instead of an exception.
/// </summary>
internal static class DecisionReplay
{
    /// <summary>Reason the server adds when a lockout denied the decision.</summary>
    public const string SubjectLockedReason = "subject_locked";

    /// <summary>Prefix of the reason the server adds when its built-in factor-change rule asked for the step-up.</summary>
    public const string BuiltInReasonPrefix = "built-in:";

    private static readonly JsonDocumentOptions PayloadOptions = new() { MaxDepth = 128 };

    /// <summary>Reads one event; returns null and a skip reason when it cannot be replayed.</summary>
    public static ReplayedDecision? Read(AuditEvent evt, out string? skipReason)
    {
        skipReason = null;
        if (evt.Erased)
        {
            skipReason = SimulationSkipReasons.Erased;
            return null;
        }

        try
        {
            using var document = evt.StoredPayloadUtf8 is { } stored
                ? JsonDocument.Parse(stored, PayloadOptions)
                : JsonDocument.Parse(evt.Payload.ToJsonString(), PayloadOptions);
            return Read(evt, document.RootElement, out skipReason);
        }
        catch (JsonException)
        {
            // Invalid JSON, or stored attributes nested beyond what a request may hold.
            skipReason ??= SimulationSkipReasons.UnreadableEvent;
        }
        catch (AuditEventFormatException)
        {
            skipReason = SimulationSkipReasons.UnreadableEvent;
        }
        catch (InvalidOperationException)
        {
            // A string escaping an unpaired surrogate cannot be read as text.
            skipReason ??= SimulationSkipReasons.UnreadableEvent;
        }

        return null;
    }

    private static ReplayedDecision? Read(AuditEvent evt, JsonElement root, out string? skipReason)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            skipReason = SimulationSkipReasons.UnreadableEvent;
            return null;
        }

        var decision = root.TryGetProperty("decision", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var reasons = Strings(decision, "reasons");
        if (reasons.Contains(SubjectLockedReason, StringComparer.Ordinal))
        {
            skipReason = SimulationSkipReasons.SubjectLocked;
            return null;
        }

        if (!TryStoredEffect(root, decision, out var effect))
        {
            skipReason = SimulationSkipReasons.UnknownEffect;
            return null;
        }

        if (!root.TryGetProperty("input", out var inputJson) || inputJson.ValueKind != JsonValueKind.Object)
        {
            skipReason = SimulationSkipReasons.MissingInput;
            return null;
        }

        // Marks a JsonException thrown below (attributes nested too deep) as a bad input.
        skipReason = SimulationSkipReasons.InvalidInput;
        var request = DecisionRequestReader.Read(inputJson, evt.Time, []);
        var geo = Geo(root, out var geoOk);
        if (request is null || !geoOk)
        {
            return null;
        }

        var risk = root.TryGetProperty("risk", out var riskJson) ? ReadRisk(riskJson) : null;
        if (risk is null)
        {
            skipReason = SimulationSkipReasons.InvalidRisk;
            return null;
        }

        skipReason = null;
        var input = request.Input;
        var context = input.Context;
        return new ReplayedDecision
        {
            DecisionId = evt.Id,
            Seq = evt.Seq,
            Time = evt.Time,
            App = OptionalString(root, "app"),
            PolicyVersion = OptionalString(root, "policy_version"),
            Input = new DecisionInput
            {
                Subject = input.Subject,
                Action = input.Action,
                Resource = input.Resource,
                Context = new ContextInput { Ip = context.Ip, UserAgent = context.UserAgent, DeviceId = context.DeviceId, Auth = context.Auth, Geo = geo },
                Risk = risk,
                Now = evt.Time,
            },
            StoredEffect = effect,
            StoredRules = Strings(decision, "rules"),
            BuiltInStepUp = reasons.Any(r => r.StartsWith(BuiltInReasonPrefix, StringComparison.Ordinal)),
        };
    }

    /// <summary>
    /// The policy's own effect: <c>decision.policy_effect</c> when stored; else <c>step_up</c> when the
    /// event records a requirement or the elevation that satisfied it; else <c>decision.effect</c>
    /// (or <c>outcome</c>), which is the policy's effect when no elevation or lockout intervened.
    /// </summary>
    private static bool TryStoredEffect(JsonElement root, JsonElement decision, out RuleEffect effect)
    {
        if (decision.ValueKind == JsonValueKind.Object)
        {
            if (OptionalString(decision, "policy_effect") is { } policyEffect)
            {
                return SimulationEffects.TryParse(policyEffect, out effect);
            }

            if (decision.TryGetProperty("level", out _) || decision.TryGetProperty("elevation_id", out _))
            {
                effect = RuleEffect.StepUp;
                return true;
            }

            if (OptionalString(decision, "effect") is { } stored)
            {
                return SimulationEffects.TryParse(stored, out effect);
            }
        }

        return SimulationEffects.TryParse(OptionalString(root, "outcome"), out effect);
    }

    private static IReadOnlyDictionary<string, CelValue> Geo(JsonElement root, out bool ok)
    {
        ok = true;
        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object ||
            !context.TryGetProperty("geo", out var geo))
        {
            return DecisionInput.EmptyMap;
        }

        if (geo.ValueKind != JsonValueKind.Object)
        {
            ok = false;
            return DecisionInput.EmptyMap;
        }

        var map = new Dictionary<string, CelValue>(5, StringComparer.Ordinal);
        foreach (var property in geo.EnumerateObject())
        {
            // The live lookup binds the ASN as an int; JSON numbers would otherwise come back as doubles.
            map[property.Name] = property.Name == "asn" && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var asn)
                ? CelValue.FromInt(asn)
                : DecisionRequestReader.ToCelValue(property.Value);
        }

        return map;
    }

    /// <summary>The stored risk values; a missing value is its default (false, 0, low), a mistyped one makes the whole object invalid.</summary>
    private static RiskSignals? ReadRisk(JsonElement risk)
    {
        if (risk.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var ok = true;
        var signals = new RiskSignals
        {
            NewDevice = Bool(risk, "new_device", ref ok),
            NewCountry = Bool(risk, "new_country", ref ok),
            NewIp = Bool(risk, "new_ip", ref ok),
            ImpossibleTravel = Bool(risk, "impossible_travel", ref ok),
            AnonymousIp = Bool(risk, "anonymous_ip", ref ok),
            TravelSpeedKmh = Double(risk, "travel_speed_kmh", ref ok),
            Failures1h = Long(risk, "failures_1h", ref ok),
            IpFailures1h = Long(risk, "ip_failures_1h", ref ok),
            Score = Long(risk, "score", ref ok),
            Level = Text(risk, "level", "low", ref ok),
        };
        return ok ? signals : null;
    }

    private static bool Bool(JsonElement obj, string name, ref bool ok)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Fail(ref ok, false),
        };
    }

    private static double Double(JsonElement obj, string name, ref bool ok)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) ? number : Fail(ref ok, 0d);
    }

    private static long Long(JsonElement obj, string name, ref bool ok)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : Fail(ref ok, 0L);
    }

    private static string Text(JsonElement obj, string name, string fallback, ref bool ok)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : Fail(ref ok, fallback);
    }

    private static T Fail<T>(ref bool ok, T fallback)
    {
        ok = false;
        return fallback;
    }

    private static string? OptionalString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[] Strings(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
        }

        return [.. list];
    }
}
