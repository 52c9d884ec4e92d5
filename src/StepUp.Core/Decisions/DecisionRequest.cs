namespace StepUp.Core.Decisions;

/// <summary>A parsed <c>POST /v1/decisions</c> body: the policy input plus an optional elevation token.</summary>
public sealed record DecisionRequest(DecisionInput Input, string? ElevationToken);

/// <summary>A field of a request that is missing or has the wrong type or value.</summary>
public sealed record FieldError(string Field, string Message);
