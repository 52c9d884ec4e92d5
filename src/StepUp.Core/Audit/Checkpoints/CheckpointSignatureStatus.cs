namespace StepUp.Core.Audit.Checkpoints;

/// <summary>Outcome of checking a checkpoint JWS.</summary>
public enum CheckpointSignatureStatus
{
    /// <summary>The signature verifies with the audit key its <c>kid</c> names.</summary>
    Valid,

    /// <summary>No audit key with that <c>kid</c> is known (or the kid is not an audit key's).</summary>
    UnknownKey,

    /// <summary>Malformed JWS, wrong <c>alg</c> or <c>typ</c>, an unreadable payload, or a signature that does not verify.</summary>
    Invalid,
}
