using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Risk;
using StepUp.Server.Policies;
using StepUp.Server.Security;
using StepUp.Storage;

namespace StepUp.Server.Decisions;

/// <summary>
/// Decides one request: policy (the active one, read once) plus risk, then audits the decision
/// durably before the caller may answer.
/// </summary>
internal sealed class DecisionService(PolicyHost policies, IAuditAppender audit, TimeProvider time)
{
    public async Task<DecisionOutcome> DecideAsync(ApiCaller caller, DecisionRequest request, CancellationToken cancellationToken)
    {
        var active = policies.Current;
        // Risk signals (SPEC §5) are computed here once the risk engine exists; until then every
        // signal is bound to its "did not fire" value, as conditions expect.
        var input = request.Input;
        var risk = input.Risk;
        var evaluation = PolicyEngine.Evaluate(active.Policy, input);
        var decisionId = StepUp.Core.Audit.EventId.New(time);
        var outcome = new DecisionOutcome(decisionId, evaluation, risk, caller.App);
        await audit.AppendAsync(DecisionAudit.Evaluated(outcome, input), cancellationToken);
        return outcome;
    }
}

/// <summary>A decision as answered and audited.</summary>
internal sealed record DecisionOutcome(string DecisionId, PolicyEvaluation Evaluation, RiskSignals Risk, string App)
{
    public string Effect => Evaluation.Effect switch
    {
        RuleEffect.Allow => "allow",
        RuleEffect.StepUp => "step_up",
        _ => "deny",
    };
}
