using StepUp.Core.Decisions;

namespace StepUp.Core.Policy.Simulation;

/// <summary>A stored decision rebuilt for replay: the input as it was evaluated and what the policy then said.</summary>
internal sealed record ReplayedDecision
{
    public required string DecisionId { get; init; }

    public required long Seq { get; init; }

    public required DateTimeOffset Time { get; init; }

    public string? App { get; init; }

    public string? PolicyVersion { get; init; }

    /// <summary>The request with the stored <c>context.geo</c> and risk values, evaluated at the event's time.</summary>
    public required DecisionInput Input { get; init; }

    /// <summary>The stored policy effect (a step-up an elevation satisfied is still <c>step_up</c>).</summary>
    public required RuleEffect StoredEffect { get; init; }

    public required IReadOnlyList<string> StoredRules { get; init; }

    /// <summary>
    /// True when the server's built-in rule asked for the step-up (a factor change for a subject that
    /// had a factor): it applies again whatever the candidate says.
    /// </summary>
    public required bool BuiltInStepUp { get; init; }
}
