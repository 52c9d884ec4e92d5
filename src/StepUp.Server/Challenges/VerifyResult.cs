using StepUp.Core.Challenges;
using StepUp.Core.Elevations;

namespace StepUp.Server.Challenges;

/// <summary>How a verification ended; the endpoint maps each to its status code (SPEC §3.2).</summary>
internal enum VerifyStatus
{
    Verified,
    NotFound,
    Expired,
    ChallengeLocked,
    SubjectLocked,
    NotPending,
    MethodNotAllowed,
    Wrong,
}

/// <summary>The outcome of one verification attempt.</summary>
internal sealed record VerifyResult(VerifyStatus Status)
{
    public Challenge? Challenge { get; init; }

    /// <summary>Why a wrong answer was wrong (<c>invalid_code</c>, <c>replayed_code</c>, a WebAuthn code …).</summary>
    public string? Reason { get; init; }

    public Elevation? Elevation { get; init; }

    public string? Token { get; init; }

    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>What one method's check concluded: success with the facts the elevation needs, or a reason.</summary>
internal sealed record MethodCheck(bool Success, string? Reason, bool UserVerified = false, bool BackupEligible = false, string? FactorId = null)
{
    public static MethodCheck Fail(string reason) => new(false, reason);
}
