using StepUp.Core.Policy;

namespace StepUp.Core.Elevations;

/// <summary>
/// SPEC §2 "satisfies": same app, subject and session (a session id reused by another subject never
/// inherits an elevation); level ≥ required; a required method was used;
/// <c>now − auth_time ≤ max_age</c> (the smallest of every applying rule); same action; same
/// resource (type, id, attribute digest) when bound. Checked in that order, first mismatch wins.
/// </summary>
public static class ElevationRules
{
    public static ElevationMismatch Check(Elevation elevation, string app, string subjectId, string? sessionId, string action, ResourceBinding? resource, PolicyEvaluation requirement, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(elevation);
        ArgumentNullException.ThrowIfNull(requirement);
        if (elevation.App != app)
        {
            return ElevationMismatch.App;
        }

        if (elevation.SubjectId != subjectId)
        {
            return ElevationMismatch.Subject;
        }

        if (sessionId is null || elevation.SessionId != sessionId)
        {
            return ElevationMismatch.Session;
        }

        if (elevation.RevokedAt is not null)
        {
            return ElevationMismatch.Revoked;
        }

        if (elevation.ConsumedAt is not null)
        {
            return ElevationMismatch.Consumed;
        }

        if (now >= elevation.ExpiresAt)
        {
            return ElevationMismatch.Expired;
        }

        if (elevation.Level < requirement.Level)
        {
            return ElevationMismatch.Level;
        }

        if ((elevation.Methods & requirement.Methods) == 0)
        {
            return ElevationMismatch.Method;
        }

        if (now - elevation.AuthTime > requirement.MaxAge)
        {
            return ElevationMismatch.TooOld;
        }

        if (elevation.Action != action)
        {
            return ElevationMismatch.Action;
        }

        if (requirement.BindResource && (elevation.Resource is null || !elevation.Resource.Matches(resource)))
        {
            return ElevationMismatch.Resource;
        }

        return ElevationMismatch.None;
    }

    /// <summary>
    /// The level a verification reached, given the policy's level definitions: aal3 needs a method
    /// aal3 allows, user verification when aal3 requires it, and a device-bound credential
    /// (BE = 0) when aal3 requires that; synced passkeys reach aal2 at most (NIST SP 800-63B-4).
    /// </summary>
    public static AssuranceLevel Achieved(CompiledPolicy policy, StepUpMethods method, bool userVerified, bool backupEligible)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var aal3 = policy.Levels[AssuranceLevel.Aal3];
        if ((aal3.Methods & method) != 0 &&
            (userVerified || !aal3.UserVerificationRequired) &&
            (!backupEligible || !aal3.DeviceBound))
        {
            return AssuranceLevel.Aal3;
        }

        return (policy.Levels[AssuranceLevel.Aal2].Methods & method) != 0 ? AssuranceLevel.Aal2 : AssuranceLevel.Aal1;
    }

    /// <summary>RFC 8176 amr of a step-up, merged with the app's own (deduplicated, <c>mfa</c> when two factors).</summary>
    public static IReadOnlyList<string> Amr(IReadOnlyList<string>? appAmr, StepUpMethods method, bool userVerified)
    {
        var amr = new List<string>(appAmr ?? []);
        void Add(string value)
        {
            if (!amr.Contains(value))
            {
                amr.Add(value);
            }
        }

        switch (method)
        {
            case StepUpMethods.WebAuthn:
                Add("pop");
                if (userVerified)
                {
                    Add("user");
                }

                break;
            default:
                Add("otp");
                break;
        }

        var factors = amr.Count(a => a is "pwd" or "otp" or "pop" or "hwk" or "swk" or "sms" or "face" or "fpt" or "pin");
        if (factors >= 2)
        {
            Add("mfa");
        }

        return amr;
    }
}
