namespace StepUp.AspNetCore;

/// <summary>
/// Why a protected endpoint is running, available to it through
/// <see cref="StepUpHttpContextExtensions.GetStepUpResult"/> (an <c>HttpContext.Features</c> entry).
/// </summary>
public sealed class StepUpResult
{
    internal StepUpResult(string action, StepUpSource source, string? decisionId, string? elevationId)
    {
        Action = action;
        Source = source;
        DecisionId = decisionId;
        ElevationId = elevationId;
    }

    /// <summary>The action that was checked.</summary>
    public string Action { get; }

    /// <summary>Online decision, local token or fail-open.</summary>
    public StepUpSource Source { get; }

    /// <summary>StepUp's <c>decision_id</c> (the audit event id); null when StepUp was not asked.</summary>
    public string? DecisionId { get; }

    /// <summary>The elevation (<c>el_…</c>) that satisfied the step-up, when one did.</summary>
    public string? ElevationId { get; }

    /// <summary>True when an elevation satisfied the step-up (locally or online).</summary>
    public bool ElevationUsed => ElevationId is not null;
}
