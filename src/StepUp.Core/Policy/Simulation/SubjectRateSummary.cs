namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// The step-up rate per subject (prompts ÷ decisions of that subject) before and after, summarised
/// over every tracked subject, and how many subjects are prompted at least once.
/// </summary>
public sealed record SubjectRateSummary
{
    /// <summary>Distinct subjects tracked (app + subject id).</summary>
    public required long Subjects { get; init; }

    /// <summary>True when more than <see cref="PolicySimulationOptions.MaxSubjects"/> subjects appeared; the rest count only in the totals.</summary>
    public required bool Truncated { get; init; }

    public required long PromptedBefore { get; init; }

    public required long PromptedAfter { get; init; }

    public required RateDistribution Before { get; init; }

    public required RateDistribution After { get; init; }
}
