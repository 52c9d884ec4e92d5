using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Monitoring;

namespace StepUp.Core.Audit;

/// <summary>
/// Hourly counters kept beside the audit trail, written in the same commit as the events they count,
/// so the admin overview reads a few hundred rows instead of scanning the log. Keys are
/// low-cardinality: effects, methods, device classes, detectors, signal names and actions.
/// </summary>
public static class AuditRollup
{
    /// <summary><c>decision:{allow|step_up|deny}</c>.</summary>
    public const string DecisionPrefix = "decision:";

    /// <summary><c>signal:{name}</c>: a risk signal that fired in a decision.</summary>
    public const string SignalPrefix = "signal:";

    /// <summary><c>verified:{method}:{device class}</c>.</summary>
    public const string VerifiedPrefix = "verified:";

    /// <summary><c>failed:{method}:{device class}</c>.</summary>
    public const string FailedPrefix = "failed:";

    /// <summary><c>failed_action:{action}</c>: failed verifications per protected action ("per endpoint").</summary>
    public const string FailedActionPrefix = "failed_action:";

    /// <summary><c>alert:{detector}</c>.</summary>
    public const string AlertPrefix = "alert:";

    /// <summary>Challenges created.</summary>
    public const string ChallengeCreated = "challenge.created";

    /// <summary>Subjects locked.</summary>
    public const string SubjectLocked = "subject.locked";

    private const int MaxPart = 100;

    /// <summary>The counter keys one event adds one to (none for most event types).</summary>
    public static IEnumerable<string> Keys(string type, JsonObject payload)
    {
        switch (type)
        {
            case AuditEventTypes.DecisionEvaluated:
                if (Text(payload["outcome"]) is { } effect)
                {
                    yield return DecisionPrefix + effect;
                }

                if (payload["risk"]?["signals"] is JsonArray signals)
                {
                    foreach (var signal in signals)
                    {
                        if (Text(signal) is { } name)
                        {
                            yield return SignalPrefix + name;
                        }
                    }
                }

                break;
            case AuditEventTypes.ChallengeCreated:
                yield return ChallengeCreated;
                break;
            case AuditEventTypes.ChallengeVerified:
                yield return VerifiedPrefix + MethodAndDevice(payload);
                break;
            case AuditEventTypes.ChallengeFailed:
                yield return FailedPrefix + MethodAndDevice(payload);
                if (Text(payload["action"]) is { } action)
                {
                    yield return FailedActionPrefix + action;
                }

                break;
            case AuditEventTypes.SubjectLocked:
                yield return SubjectLocked;
                break;
            case AuditEventTypes.AlertRaised:
                yield return AlertPrefix + (Text(payload["alert"]?["detector"]) ?? "unknown");
                break;
        }
    }

    /// <summary>The start of the hour <paramref name="time"/> falls in, as Unix hours.</summary>
    public static long Hour(DateTimeOffset time) => time.ToUnixTimeSeconds() / 3600;

    // The device class comes from the whole user agent (real ones are longer than a key part may be).
    private static string MethodAndDevice(JsonObject payload) =>
        (Text(payload["challenge"]?["method"]) ?? "none") + ":" +
        DeviceClass.Of(payload["context"]?["user_agent"] is JsonValue ua && ua.GetValueKind() == JsonValueKind.String ? ua.GetValue<string>() : null);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 and <= MaxPart } text ? text : null;
}

/// <summary>One hourly counter: <paramref name="Hour"/> is the hour's start.</summary>
public readonly record struct AuditRollupCount(DateTimeOffset Hour, string Key, long Count);
