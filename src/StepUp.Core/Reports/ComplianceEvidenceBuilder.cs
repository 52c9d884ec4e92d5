using StepUp.Core.Audit;
using static StepUp.Core.Reports.EvidenceJson;

namespace StepUp.Core.Reports;

/// <summary>
/// Counts <see cref="ComplianceEvidence"/> one event at a time, in bounded memory: feed every event
/// of the trail in seq order to <see cref="Add"/> (those outside the window are ignored), then call
/// <see cref="Build"/>. Nothing is kept per event: a step-up decision waits only for its challenge's
/// verification, in a map of at most <see cref="MaxOpenChallenges"/> challenges.
/// </summary>
public sealed class ComplianceEvidenceBuilder
{
    /// <summary>
    /// Challenges of step-up decisions waiting for their verification, tracked at once. Beyond it
    /// the oldest is dropped and its decisions stay unsatisfied (<see cref="ComplianceEvidence.StepUpUntracked"/>);
    /// a challenge lives minutes (<c>challenge_ttl</c>), so only more open challenges than this within one TTL get there.
    /// </summary>
    public const int MaxOpenChallenges = 100_000;

    /// <summary>Verified challenges remembered for decisions that name them later in seq order (the server never writes that order).</summary>
    public const int MaxVerifiedChallenges = 100_000;

    /// <summary>Policy events listed one by one in <see cref="ComplianceEvidence.PolicyChanges"/>.</summary>
    public const int MaxPolicyChanges = 1_000;

    private readonly DateTimeOffset _from;
    private readonly DateTimeOffset _to;
    private readonly OldestFirstCounter _waiting = new(MaxOpenChallenges);
    private readonly OldestFirstCounter _verified = new(MaxVerifiedChallenges);
    private readonly List<PolicyChange> _policyChanges = [];
    private long _events, _decisions, _required, _satisfied, _untracked, _elevationsUsed, _challengesVerified, _challengeFailures, _lockouts,
        _alertsRaised, _deliveriesSucceeded, _deliveriesFailed, _factorsEnrolled, _factorsRemoved, _apiKeysCreated, _apiKeysRevoked,
        _policiesLoaded, _policiesRejected;

    /// <summary>A builder for the window [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public ComplianceEvidenceBuilder(DateTimeOffset from, DateTimeOffset to)
    {
        _from = from;
        _to = to;
    }

    /// <summary>Counts <paramref name="evt"/> when its time is in the window; returns whether it was.</summary>
    public bool Add(AuditEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (evt.Time < _from || evt.Time >= _to)
        {
            return false;
        }

        _events++;
        switch (evt.Type)
        {
            case AuditEventTypes.DecisionEvaluated:
                _decisions++;
                AddDecision(evt);
                break;
            case AuditEventTypes.ChallengeVerified:
                _challengesVerified++;
                AddVerified(evt);
                break;
            case AuditEventTypes.ElevationUsed: _elevationsUsed++; break;
            case AuditEventTypes.ChallengeFailed: _challengeFailures++; break;
            case AuditEventTypes.SubjectLocked: _lockouts++; break;
            case AuditEventTypes.AlertRaised: _alertsRaised++; break;
            case AuditEventTypes.AlertDelivery:
                if (Text(PayloadOf(evt), "outcome") == "success")
                {
                    _deliveriesSucceeded++;
                }
                else
                {
                    _deliveriesFailed++;
                }

                break;
            case AuditEventTypes.FactorEnrolled: _factorsEnrolled++; break;
            case AuditEventTypes.FactorRemoved: _factorsRemoved++; break;
            case AuditEventTypes.ApiKeyCreated: _apiKeysCreated++; break;
            case AuditEventTypes.ApiKeyRevoked: _apiKeysRevoked++; break;
            case AuditEventTypes.PolicyLoaded or AuditEventTypes.PolicyRejected:
                if (evt.Type == AuditEventTypes.PolicyLoaded)
                {
                    _policiesLoaded++;
                }
                else
                {
                    _policiesRejected++;
                }

                if (_policyChanges.Count < MaxPolicyChanges)
                {
                    _policyChanges.Add(PolicyChange.From(evt));
                }

                break;
        }

        return true;
    }

    /// <summary>The figures of the events added so far.</summary>
    public ComplianceEvidence Build() => new()
    {
        Decisions = _decisions,
        StepUpRequired = _required,
        StepUpSatisfied = _satisfied,
        StepUpUntracked = _untracked,
        ElevationsUsed = _elevationsUsed,
        ChallengesVerified = _challengesVerified,
        ChallengeFailures = _challengeFailures,
        Lockouts = _lockouts,
        AlertsRaised = _alertsRaised,
        AlertDeliveriesSucceeded = _deliveriesSucceeded,
        AlertDeliveriesFailed = _deliveriesFailed,
        FactorsEnrolled = _factorsEnrolled,
        FactorsRemoved = _factorsRemoved,
        ApiKeysCreated = _apiKeysCreated,
        ApiKeysRevoked = _apiKeysRevoked,
        PoliciesLoaded = _policiesLoaded,
        PoliciesRejected = _policiesRejected,
        PolicyChanges = [.. _policyChanges],
        EventsInWindow = _events,
    };

    /// <summary>
    /// A decision whose effect or policy effect is <c>step_up</c> is satisfied when it was allowed by an
    /// elevation, or when its challenge is verified anywhere in the window: before it (rare, looked up in
    /// the verified set) or after it (it waits for that verification).
    /// </summary>
    private void AddDecision(AuditEvent evt)
    {
        var fields = Decision(evt);
        if (fields.Effect != "step_up" && fields.PolicyEffect != "step_up")
        {
            return;
        }

        _required++;
        if (fields.Effect == "allow" && fields.ElevationId is not null)
        {
            _satisfied++;
            return;
        }

        if (fields.ChallengeId is not { } challenge)
        {
            return;
        }

        if (_verified.Contains(challenge))
        {
            _satisfied++;
            return;
        }

        _untracked += _waiting.Increment(challenge);
    }

    private void AddVerified(AuditEvent evt)
    {
        if (ChallengeId(evt) is not { } challenge)
        {
            return;
        }

        _satisfied += _waiting.Remove(challenge);
        if (!_verified.Contains(challenge))
        {
            _verified.Increment(challenge);
        }
    }
}
