namespace StepUp.AspNetCore.Decisions;

/// <summary>What a decision call came to.</summary>
internal enum DecisionKind
{
    Allow,
    StepUp,
    Deny,

    /// <summary>No answer: unreachable, timed out, 5xx, 408/429, or an answer that is not a decision.</summary>
    Unavailable,

    /// <summary>StepUp refused the request itself (401/403/4xx): a configuration problem, never failed open.</summary>
    Refused,
}
