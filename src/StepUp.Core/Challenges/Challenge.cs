using StepUp.Core.Elevations;
using StepUp.Core.Policy;

namespace StepUp.Core.Challenges;

/// <summary>The state of a challenge (SPEC §3: <c>pending, verified, failed, expired, locked</c>).</summary>
public enum ChallengeStatus
{
    Pending,
    Verified,
    Failed,
    Expired,
    Locked,
}

/// <summary>
/// One pending step-up for one app + subject + session + action (+ resource): what the rule asked
/// for, which of those methods the subject has, how many wrong answers are left, and until when.
/// </summary>
public sealed record Challenge
{
    public required string Id { get; init; }
    public required string App { get; init; }
    public required string SubjectId { get; init; }
    public required string SessionId { get; init; }
    public required string Action { get; init; }
    public ResourceBinding? Resource { get; init; }

    /// <summary>What the hosted page shows the user ("transfer t-9: amount 12000 EUR").</summary>
    public string? ResourceSummary { get; init; }
    public required AssuranceLevel Level { get; init; }
    public required StepUpMethods Methods { get; init; }
    public required StepUpMethods AvailableMethods { get; init; }
    public required TimeSpan MaxAge { get; init; }
    public bool BindResource { get; init; }
    public bool Once { get; init; }
    public ChallengeStatus Status { get; init; }
    public int Attempts { get; init; }
    public required int MaxAttempts { get; init; }

    /// <summary>SHA-256 of the hosted page's secret (the secret itself is only in the URL).</summary>
    public required byte[] PageSecretHash { get; init; }
    public required string DecisionId { get; init; }

    /// <summary>The app's own <c>context.auth.amr</c>, merged into the elevation's amr.</summary>
    public IReadOnlyList<string> AppAmr { get; init; } = [];
    public string? ContextIp { get; init; }
    public string? ContextCountry { get; init; }
    public string? ContextCity { get; init; }

    /// <summary>The request's <c>context.device_id</c>: a verified step-up makes it a known device.</summary>
    public string? ContextDeviceId { get; init; }

    /// <summary>The request's user agent (bounded), for step-up outcomes by device class.</summary>
    public string? ContextUserAgent { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    public int AttemptsLeft => Math.Max(0, MaxAttempts - Attempts);

    /// <summary>The status as of <paramref name="now"/>: a pending challenge past its expiry is expired.</summary>
    public ChallengeStatus StatusAt(DateTimeOffset now) =>
        Status == ChallengeStatus.Pending && now >= ExpiresAt ? ChallengeStatus.Expired : Status;

    public static string StatusName(ChallengeStatus status) => status switch
    {
        ChallengeStatus.Pending => "pending",
        ChallengeStatus.Verified => "verified",
        ChallengeStatus.Failed => "failed",
        ChallengeStatus.Expired => "expired",
        _ => "locked",
    };
}
