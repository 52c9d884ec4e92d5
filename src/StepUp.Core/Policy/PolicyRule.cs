using StepUp.Core.Policy.Conditions;

namespace StepUp.Core.Policy;

/// <summary>What a rule asks for when it applies.</summary>
public enum RuleEffect
{
    Allow,
    StepUp,
    Deny,
}

/// <summary>One compiled rule of a policy.</summary>
public sealed class PolicyRule
{
    public required string Id { get; init; }

    /// <summary>Position of the rule in the file; used for explain output.</summary>
    public required int Line { get; init; }

    /// <summary>Action globs; null means every action.</summary>
    public IReadOnlyList<ActionGlob>? Actions { get; init; }

    /// <summary>The condition's source text, or null when the rule has none (always true).</summary>
    public string? When { get; init; }

    internal CompiledCondition? Condition { get; init; }

    public required RuleEffect Effect { get; init; }

    public AssuranceLevel Level { get; init; } = AssuranceLevel.Aal2;

    public StepUpMethods Methods { get; init; }

    public TimeSpan MaxAge { get; init; }

    /// <summary>Whether the elevation is bound to the resource (type, id and attribute digest).</summary>
    public bool BindResource { get; init; }

    /// <summary>Whether the elevation is consumed by the decision that uses it.</summary>
    public bool Once { get; init; }

    /// <summary>True when the condition reads <c>context.geo</c> (a deny is then a region denial).</summary>
    public bool ReadsGeo => Condition?.ReadsGeo ?? false;

    /// <summary>The reason reported when the rule applies: <c>id: condition</c>.</summary>
    public required string Reason { get; init; }

    public bool MatchesAction(string action)
    {
        if (Actions is null)
        {
            return true;
        }

        // Indexed: a foreach over the interface would box an enumerator on every evaluation.
        for (var i = 0; i < Actions.Count; i++)
        {
            if (Actions[i].IsMatch(action))
            {
                return true;
            }
        }

        return false;
    }
}
