namespace StepUp.Core.Policy.Simulation;

/// <summary>One action: decisions replayed, how many changed, and step-ups and denials before and after.</summary>
public sealed record ActionImpact
{
    public required string Action { get; init; }

    public required long Decisions { get; init; }

    public required long Changed { get; init; }

    public required long StepUpBefore { get; init; }

    public required long StepUpAfter { get; init; }

    public required long DenyBefore { get; init; }

    public required long DenyAfter { get; init; }

    /// <summary>Share of this action's decisions that were step-ups before (0 to 1).</summary>
    public double StepUpRateBefore => Decisions == 0 ? 0 : (double)StepUpBefore / Decisions;

    /// <summary>Share of this action's decisions that are step-ups under the candidate (0 to 1).</summary>
    public double StepUpRateAfter => Decisions == 0 ? 0 : (double)StepUpAfter / Decisions;
}
