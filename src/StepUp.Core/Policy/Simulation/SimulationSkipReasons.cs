namespace StepUp.Core.Policy.Simulation;

/// <summary>Why a stored decision was not replayed (the keys of <c>skip_reasons</c>).</summary>
public static class SimulationSkipReasons
{
    /// <summary>The payload was erased (retention or a privacy request); only the envelope is left.</summary>
    public const string Erased = "erased";

    /// <summary>The stored row or its payload cannot be read as JSON.</summary>
    public const string UnreadableEvent = "unreadable_event";

    /// <summary>The event has no <c>input</c> object (written before inputs were stored, or edited).</summary>
    public const string MissingInput = "missing_input";

    /// <summary>The stored <c>input</c> (or its <c>context.geo</c>) is not a valid decision request.</summary>
    public const string InvalidInput = "invalid_input";

    /// <summary>The stored <c>risk</c> object is missing or a value has the wrong type.</summary>
    public const string InvalidRisk = "invalid_risk";

    /// <summary>The stored effect is not <c>allow</c>, <c>step_up</c> or <c>deny</c>.</summary>
    public const string UnknownEffect = "unknown_effect";

    /// <summary>A lockout denied the decision whatever the policy said, so it tells nothing about the policy.</summary>
    public const string SubjectLocked = "subject_locked";
}
