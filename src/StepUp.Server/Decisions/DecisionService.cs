using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Core.Risk;
using StepUp.Server.Challenges;
using StepUp.Server.Elevations;
using StepUp.Server.Policies;
using StepUp.Server.Security;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Decisions;

/// <summary>
/// Decides one request: lockout, policy (the active one, read once) and risk; a step-up that an
/// elevation satisfies becomes allow, any other gets a challenge. Every event of the decision is
/// appended in one call (consecutive seqs, one commit) before the caller may answer.
/// </summary>
internal sealed class DecisionService(
    PolicyHost policies,
    ISubjectStore subjects,
    ElevationResolver elevations,
    ChallengeIssuer challenges,
    Risk.GeoEnricher geo,
    Risk.RiskService riskSignals,
    Metrics.StepUpMetrics metrics,
    IAuditAppender audit,
    TimeProvider time)
{
    public const string SubjectLockedReason = "subject_locked";
    public const string BuiltInFactorRuleReason = "built-in: changing the factors of a subject that has one needs a fresh aal2";

    private static bool IsFactorChange(string action) =>
        action is Factors.FactorChangeGuard.EnrollAction or Factors.FactorChangeGuard.RemoveAction;

    public async Task<DecisionOutcome> DecideAsync(ApiCaller caller, DecisionRequest request, string requestBaseUrl, CancellationToken cancellationToken)
    {
        var active = policies.Current;
        // GeoIP facts, then every risk signal of SPEC §5, bound before any condition reads them.
        var input = await riskSignals.AssessAsync(caller.App, geo.Enrich(request.Input), cancellationToken);
        var risk = input.Risk;
        var evaluation = PolicyEngine.Evaluate(active.Policy, input);
        string? builtIn = null;
        if (evaluation.Effect == RuleEffect.Allow && IsFactorChange(input.Action) &&
            await challenges.AvailableMethodsAsync(caller.App, input.Subject.Id, cancellationToken) != StepUpMethods.None)
        {
            // SPEC §3.2: changing factors of a subject that has one needs a fresh aal2, policy or not.
            evaluation = PolicyEvaluation.Requirement(active.Policy, AssuranceLevel.Aal2, Factors.FactorChangeGuard.BuiltInMaxAge);
            builtIn = BuiltInFactorRuleReason;
        }

        var decisionId = StepUp.Core.Audit.EventId.New(time);
        var events = new List<AuditEventDraft>(3);
        var outcome = new DecisionOutcome(decisionId, evaluation, risk, caller.App) { ExtraReason = builtIn };

        var lockout = await subjects.GetAsync(Factors.SubjectKey.For(caller.App, input.Subject.Id), cancellationToken);
        if (lockout.IsLocked(time.GetUtcNow()))
        {
            outcome = outcome with { Effect = RuleEffect.Deny, ExtraReason = SubjectLockedReason, LockedUntil = lockout.LockedUntil };
        }
        else if (evaluation.Effect == RuleEffect.StepUp)
        {
            var match = await elevations.ResolveAsync(caller.App, input, evaluation, request.ElevationToken, cancellationToken);
            events.AddRange(match.Events);
            if (match.Used is { } used)
            {
                outcome = outcome with { Effect = RuleEffect.Allow, Elevation = used };
            }
            else
            {
                var issued = await challenges.IssueAsync(caller.App, decisionId, input, evaluation, requestBaseUrl, cancellationToken);
                outcome = outcome with { Challenge = issued };
                events.Add(ChallengeIssuer.CreatedEvent(issued));
            }
        }

        events.Insert(0, DecisionAudit.Evaluated(outcome, input));
        await riskSignals.AfterDecisionAsync(caller.App, input, outcome.Effect,
            evaluation.Effect == RuleEffect.Deny && evaluation.DeniedByGeoRule, outcome.Challenge is not null, events, cancellationToken);
        await audit.AppendAsync(events, cancellationToken);
        metrics.DecisionMade(outcome.EffectName, evaluation.AppliedRuleIds, input.Action);
        metrics.RiskSignalsFired(risk.Fired);
        return outcome;
    }
}

/// <summary>A decision as answered and audited.</summary>
internal sealed record DecisionOutcome(string DecisionId, PolicyEvaluation Evaluation, RiskSignals Risk, string App)
{
    /// <summary>The final effect: the policy's, unless a lockout denies or an elevation allows.</summary>
    public RuleEffect Effect { get; init; } = Evaluation.Effect;

    /// <summary>A reason beyond the rules' (e.g. <c>subject_locked</c>).</summary>
    public string? ExtraReason { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>The elevation that satisfied the step-up, if one did.</summary>
    public Elevation? Elevation { get; init; }

    /// <summary>The challenge created for a step-up.</summary>
    public IssuedChallenge? Challenge { get; init; }

    public string EffectName => Effect switch
    {
        RuleEffect.Allow => "allow",
        RuleEffect.StepUp => "step_up",
        _ => "deny",
    };

    public IReadOnlyList<string> Reasons
    {
        get
        {
            var reasons = Evaluation.Reasons.ToList();
            if (ExtraReason is not null)
            {
                reasons.Add(ExtraReason);
            }

            if (Elevation is not null)
            {
                reasons.Add($"satisfied by elevation {Elevation.Id} ({Elevation.Level.ToName()}, {string.Join(" ", Elevation.Amr)})");
            }

            return reasons;
        }
    }
}
