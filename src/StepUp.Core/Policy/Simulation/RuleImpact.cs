namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// One rule id across the stored decisions and the candidate: how many decisions it applied to
/// before (stored <c>decision.rules</c>) and after (candidate), and how many of those changed effect.
/// </summary>
public sealed record RuleImpact
{
    public required string Rule { get; init; }

    /// <summary>The rule's effect in the candidate; null when the candidate has no rule with this id.</summary>
    public RuleEffect? Effect { get; init; }

    /// <summary>Stored decisions this rule applied to.</summary>
    public required long Before { get; init; }

    /// <summary>Replayed decisions the candidate's rule applies to.</summary>
    public required long After { get; init; }

    /// <summary>Changed decisions it applied to before or after (each counted once).</summary>
    public required long Changed { get; init; }
}
