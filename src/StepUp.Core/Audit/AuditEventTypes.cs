namespace StepUp.Core.Audit;

/// <summary>The audit event types of SPEC §7.</summary>
public static class AuditEventTypes
{
    public const string DecisionEvaluated = "decision.evaluated";
    public const string ChallengeCreated = "stepup.challenge.created";
    public const string ChallengeVerified = "stepup.challenge.verified";
    public const string ChallengeFailed = "stepup.challenge.failed";
    public const string ChallengeExpired = "stepup.challenge.expired";
    public const string ChallengeLocked = "stepup.challenge.locked";
    public const string ChallengeRelaySuspected = "stepup.challenge.relay_suspected";
    public const string ElevationGranted = "elevation.granted";
    public const string ElevationUsed = "elevation.used";
    public const string ElevationRevoked = "elevation.revoked";
    public const string ElevationScopeViolation = "elevation.scope_violation";
    public const string FactorEnrolled = "factor.enrolled";
    public const string FactorRemoved = "factor.removed";
    public const string RecoveryCodeUsed = "recovery_code.used";
    public const string SubjectLocked = "subject.locked";
    public const string SubjectUnlocked = "subject.unlocked";
    public const string AlertRaised = "alert.raised";
    public const string AlertDelivery = "alert.delivery";
    public const string PolicyLoaded = "policy.loaded";
    public const string PolicyRejected = "policy.rejected";
    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyRevoked = "apikey.revoked";
    public const string AuditExported = "audit.exported";
    public const string AuditVerified = "audit.verified";
    public const string AuditPruned = "audit.pruned";
    public const string AuditErased = "audit.erased";
    public const string AuditCheckpoint = "audit.checkpoint";

    /// <summary>A StepUp extension to SPEC §7: an action in the admin dashboard (sign-in, sign-out, validate, simulate, report, export).</summary>
    public const string AdminAction = "admin.action";


    /// <summary>Every type above.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        DecisionEvaluated,
        ChallengeCreated,
        ChallengeVerified,
        ChallengeFailed,
        ChallengeExpired,
        ChallengeLocked,
        ChallengeRelaySuspected,
        ElevationGranted,
        ElevationUsed,
        ElevationRevoked,
        ElevationScopeViolation,
        FactorEnrolled,
        FactorRemoved,
        RecoveryCodeUsed,
        SubjectLocked,
        SubjectUnlocked,
        AlertRaised,
        AlertDelivery,
        PolicyLoaded,
        PolicyRejected,
        ApiKeyCreated,
        ApiKeyRevoked,
        AuditExported,
        AuditVerified,
        AuditPruned,
        AuditErased,
        AuditCheckpoint,
        AdminAction,
    ];
}
