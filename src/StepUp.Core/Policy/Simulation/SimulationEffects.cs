namespace StepUp.Core.Policy.Simulation;

/// <summary>The wire names of effects (<c>allow</c>, <c>step_up</c>, <c>deny</c>) and of transitions (<c>step_up-&gt;allow</c>).</summary>
public static class SimulationEffects
{
    /// <summary>Every effect, in report order.</summary>
    public static IReadOnlyList<RuleEffect> All { get; } = [RuleEffect.Allow, RuleEffect.StepUp, RuleEffect.Deny];

    public static string Name(RuleEffect effect) => effect switch
    {
        RuleEffect.Allow => "allow",
        RuleEffect.StepUp => "step_up",
        _ => "deny",
    };

    public static string TransitionName(RuleEffect before, RuleEffect after) => Name(before) + "->" + Name(after);

    public static bool TryParse(string? name, out RuleEffect effect)
    {
        switch (name)
        {
            case "allow": effect = RuleEffect.Allow; return true;
            case "step_up": effect = RuleEffect.StepUp; return true;
            case "deny": effect = RuleEffect.Deny; return true;
            default: effect = default; return false;
        }
    }
}
