using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>
/// The figures a compliance report states, counted over the audit events of one time window
/// (<c>from</c> inclusive, <c>to</c> exclusive) by <see cref="ComplianceEvidenceBuilder"/>. Erased
/// events count by type only.
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

    /// <summary><c>policy.loaded</c> events.</summary>
    public long PoliciesLoaded { get; init; }

    /// <summary><c>policy.rejected</c> events.</summary>
    public long PoliciesRejected { get; init; }

    /// <summary>
    /// The first <see cref="ComplianceEvidenceBuilder.MaxPolicyChanges"/> <c>policy.loaded</c> and
    /// <c>policy.rejected</c> events, oldest first (<see cref="PoliciesLoaded"/> and <see cref="PoliciesRejected"/> count them all).
    /// </summary>
    public IReadOnlyList<PolicyChange> PolicyChanges { get; init; } = [];

    /// <summary>Events of the window, of any type (the population the sample is drawn from).</summary>
    public long EventsInWindow { get; init; }

    /// <summary>
    /// Step-up decisions whose challenge was dropped from tracking while more than
    /// <see cref="ComplianceEvidenceBuilder.MaxOpenChallenges"/> waited at once: they count as unsatisfied
    /// even if the challenge was verified later (0 unless the trail is unusual).
    /// </summary>
    public long StepUpUntracked { get; init; }

    /// <summary>Step-up decisions with no fresh elevation and no verified challenge in the window.</summary>
    public long StepUpUnsatisfied => StepUpRequired - StepUpSatisfied;

    /// <summary>
    /// Counts the events of <paramref name="events"/> whose time is in [<paramref name="from"/>, <paramref name="to"/>),
    /// in seq order: <see cref="ComplianceEvidenceBuilder"/> over events held in memory.
    /// </summary>
    public static ComplianceEvidence Collect(IEnumerable<AuditEvent> events, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(events);
        var builder = new ComplianceEvidenceBuilder(from, to);
        foreach (var evt in events.OrderBy(e => e.Seq))
        {
            builder.Add(evt);
        }

        return builder.Build();
    }
}
