using StepUp.Core.Decisions;
using StepUp.Core.Policy.Conditions;

namespace StepUp.Core.Policy;

/// <summary>
/// Evaluates a compiled policy: every rule whose actions and condition match applies, and the
/// strictest effect wins, independent of rule order (SPEC §4.1). A condition that ends in an error
/// makes a deny or step_up rule apply (fail closed) and never makes an allow rule apply.
/// </summary>
public static class PolicyEngine
{
    /// <summary>Reason given when the applying step-up rules share no method.</summary>
    public const string NoMethodReason = "no_method";

    public static PolicyEvaluation Evaluate(CompiledPolicy policy, DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(input);

        var result = new PolicyEvaluation(policy);
        var anyDeny = false;
        var anyStepUp = false;
        var anyAllow = false;
        var level = AssuranceLevel.Aal1;
        var methods = StepUpMethods.WebAuthn | StepUpMethods.Totp | StepUpMethods.RecoveryCode;
        var maxAge = TimeSpan.MaxValue;
        var bind = false;
        var once = false;

        var rules = policy.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!rule.MatchesAction(input.Action))
            {
                continue;
            }

            if (rule.Condition is { } condition)
            {
                var value = condition.Evaluate(input);
                if (value.Kind == CelKind.Error)
                {
                    if (rule.Effect == RuleEffect.Allow)
                    {
                        continue;
                    }

                    result.MarkError(i, value.ErrorMessage);
                }
                else if (value.Kind != CelKind.Bool || !value.AsBool)
                {
                    continue;
                }
            }

            result.MarkApplied(i);
            switch (rule.Effect)
            {
                case RuleEffect.Deny:
                    anyDeny = true;
                    result.DeniedByGeoRule |= rule.ReadsGeo;
                    break;
                case RuleEffect.StepUp:
                    anyStepUp = true;
                    if (rule.Level > level)
                    {
                        level = rule.Level;
                    }

                    methods &= rule.Methods;
                    if (rule.MaxAge < maxAge)
                    {
                        maxAge = rule.MaxAge;
                    }

                    bind |= rule.BindResource;
                    once |= rule.Once;
                    break;
                default:
                    anyAllow = true;
                    break;
            }
        }

        if (anyDeny)
        {
            result.Effect = RuleEffect.Deny;
        }
        else if (anyStepUp)
        {
            if (methods == StepUpMethods.None)
            {
                result.Effect = RuleEffect.Deny;
                result.DenyReason = NoMethodReason;
            }
            else
            {
                result.Effect = RuleEffect.StepUp;
                result.Level = level;
                result.Methods = methods;
                result.MaxAge = maxAge;
                result.BindResource = bind;
                result.Once = once;
            }
        }
        else
        {
            result.Effect = anyAllow ? RuleEffect.Allow : policy.Defaults.Decision;
        }

        return result;
    }
}
