using StepUp.Core.Decisions;
using StepUp.Core.Policy.Conditions;

namespace StepUp.Core.Policy;

/// <summary>How one rule fared for one request.</summary>
public sealed record RuleTrace(PolicyRule Rule, bool ActionMatched, string ConditionResult, bool Applied);

/// <summary>
/// The explain path of the engine: evaluates every rule separately and says why each did or did
/// not apply. Slower than <see cref="PolicyEngine.Evaluate"/> and meant for people, not traffic.
/// </summary>
public static class PolicyExplainer
{
    public static (PolicyEvaluation Evaluation, IReadOnlyList<RuleTrace> Rules) Explain(CompiledPolicy policy, DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var evaluation = PolicyEngine.Evaluate(policy, input);
        var traces = new List<RuleTrace>(policy.Rules.Count);
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            var matched = rule.MatchesAction(input.Action);
            string result;
            if (!matched)
            {
                result = "not evaluated";
            }
            else if (rule.Condition is null)
            {
                result = "true (no condition)";
            }
            else
            {
                var value = rule.Condition.Evaluate(input);
                result = value.Kind switch
                {
                    CelKind.Error => "error: " + value.ErrorMessage,
                    CelKind.Bool => value.AsBool ? "true" : "false",
                    _ => "not a bool: " + value,
                };
            }

            traces.Add(new RuleTrace(rule, matched, result, evaluation.Applied(i)));
        }

        return (evaluation, traces);
    }
}
