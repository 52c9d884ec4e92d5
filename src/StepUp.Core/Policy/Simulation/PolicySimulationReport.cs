namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// What replaying a candidate policy over stored decisions found (SPEC §4.5): how many decisions
/// change and how, per rule, per action and per subject. Effects compared are the policy's own
/// (a stored step-up satisfied by an elevation counts as <c>step_up</c>).
/// </summary>
public sealed record PolicySimulationReport
{
    /// <summary>The candidate's version (SHA-256 of its text).</summary>
    public required string PolicyVersion { get; init; }

    /// <summary>The candidate's load-time warnings (a rule that can never fire, an unguarded geo read).</summary>
    public IReadOnlyList<PolicyDiagnostic> Warnings { get; init; } = [];

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>Decisions replayed.</summary>
    public required long Decisions { get; init; }

    /// <summary>Replayed decisions whose effect differs under the candidate.</summary>
    public required long Changed { get; init; }

    /// <summary>Decision events that could not be replayed; <see cref="SkipReasons"/> says why.</summary>
    public required long Skipped { get; init; }

    public required IReadOnlyDictionary<string, long> SkipReasons { get; init; }

    /// <summary>True when the simulation stopped at <see cref="MaxEvents"/> (or at an unreadable stretch) before the window's end.</summary>
    public required bool Truncated { get; init; }

    public required int MaxEvents { get; init; }

    /// <summary>Time of the first and last decision event read; null when none was.</summary>
    public DateTimeOffset? FirstTime { get; init; }

    public DateTimeOffset? LastTime { get; init; }

    /// <summary>How many replayed decisions each stored <c>policy_version</c> made.</summary>
    public required IReadOnlyDictionary<string, long> StoredPolicyVersions { get; init; }

    /// <summary>Decisions per stored effect (before).</summary>
    public required IReadOnlyDictionary<RuleEffect, long> EffectsBefore { get; init; }

    /// <summary>Decisions per candidate effect (after).</summary>
    public required IReadOnlyDictionary<RuleEffect, long> EffectsAfter { get; init; }

    /// <summary>Changed decisions per (before, after) pair; every one of the six pairs is present, zero when none.</summary>
    public required IReadOnlyDictionary<(RuleEffect Before, RuleEffect After), long> Transitions { get; init; }

    public required IReadOnlyList<RuleImpact> ByRule { get; init; }

    public required IReadOnlyList<ActionImpact> ByAction { get; init; }

    public required SubjectRateSummary StepUpRatePerSubject { get; init; }

    /// <summary>Subjects prompted most under the candidate.</summary>
    public required IReadOnlyList<SubjectImpact> TopSubjects { get; init; }

    /// <summary>The first <see cref="PolicySimulationOptions.MaxChanges"/> changed decisions, oldest first.</summary>
    public required IReadOnlyList<SimulatedChange> Changes { get; init; }

    /// <summary>True when more decisions changed than <see cref="Changes"/> lists.</summary>
    public bool ChangesTruncated => Changes.Count < Changed;
}
