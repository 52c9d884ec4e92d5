namespace StepUp.Core.Policy;

/// <summary>
/// The outcome of evaluating a policy for one request: the combined effect and requirement, and
/// which rules applied. One object per evaluation; applied rules are a bit set over rule indexes.
/// </summary>
public sealed class PolicyEvaluation
{
    private readonly CompiledPolicy _policy;
    private ulong _applied;
    private IReadOnlyList<PolicyRule>? _appliedRules;
    private IReadOnlyList<string>? _appliedRuleIds;
    private ulong[]? _appliedHigh;
    private string?[]? _errors;

    internal PolicyEvaluation(CompiledPolicy policy) => _policy = policy;

    /// <summary>
    /// A bare step-up requirement, for checks the policy does not cover (e.g. the built-in rule that
    /// changing factors needs a fresh aal2): the level's methods, no resource binding.
    /// </summary>
    public static PolicyEvaluation Requirement(CompiledPolicy policy, AssuranceLevel level, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PolicyEvaluation(policy)
        {
            Effect = RuleEffect.StepUp,
            Level = level,
            Methods = policy.Levels.TryGetValue(level, out var requirement) ? requirement.Methods : StepUpMethods.WebAuthn,
            MaxAge = maxAge,
        };
    }

    public CompiledPolicy Policy => _policy;

    /// <summary>allow, step_up or deny, before elevations are considered.</summary>
    public RuleEffect Effect { get; internal set; }

    /// <summary>Set when the effect is deny for a reason other than a deny rule (e.g. <c>no_method</c>).</summary>
    public string? DenyReason { get; internal set; }

    /// <summary>The combined step-up requirement (highest level, method intersection, smallest max_age).</summary>
    public AssuranceLevel Level { get; internal set; }

    public StepUpMethods Methods { get; internal set; }

    public TimeSpan MaxAge { get; internal set; }

    public bool BindResource { get; internal set; }

    public bool Once { get; internal set; }

    /// <summary>True when a deny rule that reads <c>context.geo</c> applied.</summary>
    public bool DeniedByGeoRule { get; internal set; }

    /// <summary>True when at least one rule's condition ended in an error (and so applied fail-closed).</summary>
    public bool HasErrors => _errors is not null;

    internal void MarkApplied(int index)
    {
        _appliedRules = null;
        _appliedRuleIds = null;
        if (index < 64)
        {
            _applied |= 1UL << index;
            return;
        }

        _appliedHigh ??= new ulong[((_policy.Rules.Count - 64) / 64) + 1];
        _appliedHigh[(index - 64) / 64] |= 1UL << ((index - 64) % 64);
    }

    internal void MarkError(int index, string message)
    {
        _errors ??= new string?[_policy.Rules.Count];
        _errors[index] = message;
    }

    public bool Applied(int index) => index < 64
        ? (_applied & (1UL << index)) != 0
        : _appliedHigh is not null && (_appliedHigh[(index - 64) / 64] & (1UL << ((index - 64) % 64))) != 0;

    /// <summary>Every rule that applied, in policy order (computed once, when first read after evaluation).</summary>
    public IReadOnlyList<PolicyRule> AppliedRules => _appliedRules ??= CollectAppliedRules();

    /// <summary>The ids of <see cref="AppliedRules"/>.</summary>
    public IReadOnlyList<string> AppliedRuleIds => _appliedRuleIds ??= AppliedRules.Select(r => r.Id).ToArray();

    private List<PolicyRule> CollectAppliedRules()
    {
        var rules = new List<PolicyRule>();
        for (var i = 0; i < _policy.Rules.Count; i++)
        {
            if (Applied(i))
            {
                rules.Add(_policy.Rules[i]);
            }
        }

        return rules;
    }

    /// <summary>The condition error of a rule, if its condition ended in one.</summary>
    public string? ErrorOf(int index) => _errors?[index];

    /// <summary>Human-readable reasons: one per applied rule, naming the condition or its error.</summary>
    public IReadOnlyList<string> Reasons
    {
        get
        {
            var reasons = new List<string>();
            for (var i = 0; i < _policy.Rules.Count; i++)
            {
                if (!Applied(i))
                {
                    continue;
                }

                var rule = _policy.Rules[i];
                reasons.Add(ErrorOf(i) is { } error ? $"{rule.Id}: condition error ({error}), applied fail-closed" : rule.Reason);
            }

            if (DenyReason is not null)
            {
                reasons.Add(DenyReason);
            }

            return reasons;
        }
    }
}
