namespace StepUp.Core.Policy.Simulation;

/// <summary>One subject (of one app): decisions replayed and step-up prompts before and after.</summary>
public sealed record SubjectImpact
{
    public string? App { get; init; }

    public required string Subject { get; init; }

    public required long Decisions { get; init; }

    /// <summary>Stored decisions whose policy effect was <c>step_up</c>.</summary>
    public required long PromptsBefore { get; init; }

    /// <summary>Replayed decisions the candidate answers with <c>step_up</c>.</summary>
    public required long PromptsAfter { get; init; }
}
