namespace StepUp.Core.Policy.Simulation;

/// <summary>One stored decision whose effect the candidate policy changes, for checking case by case.</summary>
public sealed record SimulatedChange
{
    /// <summary>The event id, which is the <c>decision_id</c> the caller got.</summary>
    public required string DecisionId { get; init; }

    public required long Seq { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The calling app, when the event names one.</summary>
    public string? App { get; init; }

    public required string Subject { get; init; }

    public required string Action { get; init; }

    /// <summary>The stored policy effect.</summary>
    public required RuleEffect Before { get; init; }

    /// <summary>The candidate's effect.</summary>
    public required RuleEffect After { get; init; }

    /// <summary>Rules that applied when the decision was made.</summary>
    public required IReadOnlyList<string> RulesBefore { get; init; }

    /// <summary>Candidate rules that apply on replay.</summary>
    public required IReadOnlyList<string> RulesAfter { get; init; }
}
