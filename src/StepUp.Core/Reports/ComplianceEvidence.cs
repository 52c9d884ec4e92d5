using System.Text.Json;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>
/// The figures a compliance report states, counted over the audit events of one time window
/// (<c>from</c> inclusive, <c>to</c> exclusive). Erased events count by type only.
/// </summary>
public sealed record ComplianceEvidence
{
    /// <summary>All <c>decision.evaluated</c> events.</summary>
    public long Decisions { get; init; }

    /// <summary>Decisions where the policy asked for a step-up (effect or policy_effect <c>step_up</c>).</summary>
    public long StepUpRequired { get; init; }

    /// <summary>Step-up decisions allowed by a fresh elevation, or whose challenge was verified in the window.</summary>
    public long StepUpSatisfied { get; init; }

    /// <summary><c>elevation.used</c> events: privileged actions performed with a fresh step-up.</summary>
    public long ElevationsUsed { get; init; }

    /// <summary><c>stepup.challenge.verified</c> events.</summary>
    public long ChallengesVerified { get; init; }

    /// <summary><c>stepup.challenge.failed</c> events.</summary>
    public long ChallengeFailures { get; init; }

    /// <summary><c>subject.locked</c> events.</summary>
    public long Lockouts { get; init; }

    /// <summary><c>alert.raised</c> events.</summary>
    public long AlertsRaised { get; init; }

    /// <summary><c>alert.delivery</c> events with outcome <c>success</c>.</summary>
    public long AlertDeliveriesSucceeded { get; init; }

    /// <summary><c>alert.delivery</c> events with any other outcome.</summary>
    public long AlertDeliveriesFailed { get; init; }

    /// <summary><c>factor.enrolled</c> events.</summary>
    public long FactorsEnrolled { get; init; }

    /// <summary><c>factor.removed</c> events.</summary>
    public long FactorsRemoved { get; init; }

    /// <summary><c>apikey.created</c> events.</summary>
    public long ApiKeysCreated { get; init; }

    /// <summary><c>apikey.revoked</c> events.</summary>
    public long ApiKeysRevoked { get; init; }

    /// <summary><c>policy.loaded</c> and <c>policy.rejected</c> events, oldest first.</summary>
    public IReadOnlyList<PolicyChange> PolicyChanges { get; init; } = [];

    /// <summary>Every event of the window, oldest first (the population the sample is drawn from).</summary>
    public IReadOnlyList<AuditEvent> Events { get; init; } = [];

    /// <summary>Step-up decisions with no fresh elevation and no verified challenge in the window.</summary>
    public long StepUpUnsatisfied => StepUpRequired - StepUpSatisfied;

    /// <summary>Counts the events of <paramref name="events"/> whose time is in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static ComplianceEvidence Collect(IEnumerable<AuditEvent> events, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(events);
        var window = events.Where(e => e.Time >= from && e.Time < to).OrderBy(e => e.Seq).ToList();
        var verifiedChallenges = new HashSet<string>(StringComparer.Ordinal);
        foreach (var evt in window.Where(e => e.Type == AuditEventTypes.ChallengeVerified && !e.Erased))
        {
            if (Text(PayloadOf(evt)?["challenge"], "id") is { } id)
            {
                verifiedChallenges.Add(id);
            }
        }

        long required = 0, satisfied = 0;
        foreach (var evt in window.Where(e => e.Type == AuditEventTypes.DecisionEvaluated && !e.Erased))
        {
            var payload = PayloadOf(evt);
            var decision = payload?["decision"];
            var effect = Text(decision, "effect");
            if (effect != "step_up" && Text(decision, "policy_effect") != "step_up")
            {
                continue;
            }

            required++;
            var challenge = Text(payload?["challenge"], "id");
            if ((effect == "allow" && Text(decision, "elevation_id") is not null) || (challenge is not null && verifiedChallenges.Contains(challenge)))
            {
                satisfied++;
            }
        }

        return new ComplianceEvidence
        {
            Decisions = Count(window, AuditEventTypes.DecisionEvaluated),
            StepUpRequired = required,
            StepUpSatisfied = satisfied,
            ElevationsUsed = Count(window, AuditEventTypes.ElevationUsed),
            ChallengesVerified = Count(window, AuditEventTypes.ChallengeVerified),
            ChallengeFailures = Count(window, AuditEventTypes.ChallengeFailed),
            Lockouts = Count(window, AuditEventTypes.SubjectLocked),
            AlertsRaised = Count(window, AuditEventTypes.AlertRaised),
            AlertDeliveriesSucceeded = window.LongCount(e => e.Type == AuditEventTypes.AlertDelivery && Text(PayloadOf(e), "outcome") == "success"),
            AlertDeliveriesFailed = window.LongCount(e => e.Type == AuditEventTypes.AlertDelivery && Text(PayloadOf(e), "outcome") != "success"),
            FactorsEnrolled = Count(window, AuditEventTypes.FactorEnrolled),
            FactorsRemoved = Count(window, AuditEventTypes.FactorRemoved),
            ApiKeysCreated = Count(window, AuditEventTypes.ApiKeyCreated),
            ApiKeysRevoked = Count(window, AuditEventTypes.ApiKeyRevoked),
            PolicyChanges = window.Where(e => e.Type is AuditEventTypes.PolicyLoaded or AuditEventTypes.PolicyRejected).Select(PolicyChange.From).ToList(),
            Events = window,
        };
    }

    private static long Count(List<AuditEvent> window, string type) => window.LongCount(e => e.Type == type);

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

    internal static string? Text(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
