using StepUp.Core.Policy;

namespace StepUp.Core.Elevations;

/// <summary>
/// What a verified challenge grants (SPEC §2): bound to one app, session and action (the
/// challenge's own action, not the rule's glob), optionally to one resource, for at most
/// <c>max_age</c> after <see cref="AuthTime"/>.
/// </summary>
public sealed record Elevation
{
    /// <summary>The token's <c>jti</c>.</summary>
    public required string Id { get; init; }
    public required string App { get; init; }
    public required string SubjectId { get; init; }
    public required string SessionId { get; init; }
    public required AssuranceLevel Level { get; init; }

    /// <summary>The step-up method(s) used (distinguishes TOTP from a recovery code, both <c>otp</c> in amr).</summary>
    public required StepUpMethods Methods { get; init; }

    /// <summary>RFC 8176 methods: the app's own amr ∪ the step-up's.</summary>
    public required IReadOnlyList<string> Amr { get; init; }
    public required DateTimeOffset AuthTime { get; init; }
    public required string Action { get; init; }
    public ResourceBinding? Resource { get; init; }
    public bool Once { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ConsumedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public required string ChallengeId { get; init; }
}

/// <summary>Why an elevation does not satisfy a decision; <see cref="None"/> when it does.</summary>
public enum ElevationMismatch
{
    None,
    App,
    Subject,
    Session,
    Revoked,
    Consumed,
    Expired,
    Level,
    Method,
    TooOld,
    Action,
    Resource,
}
