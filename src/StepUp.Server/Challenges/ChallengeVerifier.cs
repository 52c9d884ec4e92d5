using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Challenges;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Elevations;
using StepUp.Server.Policies;
using StepUp.Storage;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Challenges;

/// <summary>An answer to a challenge: the method and its code or WebAuthn credential (raw JSON).</summary>
internal sealed record VerifyRequest(StepUpMethods Method, string? Code, System.Text.Json.JsonElement? Credential);

/// <summary>
/// Runs one verification (SPEC §3.2): checks the challenge (app, status, expiry) and the subject's
/// lockout, checks the answer with its method, counts failures on the challenge (locking it at
/// <c>max_attempts</c>) and on the subject (locking it with back-off at <c>lockout.threshold</c>),
/// and on success grants the elevation and its token. Every step is audited.
/// </summary>
internal sealed class ChallengeVerifier(
    IChallengeStore challenges,
    ISubjectStore subjects,
    IElevationStore elevations,
    ElevationTokens tokens,
    TotpCheck totp,
    RecoveryCodeCheck recoveryCodes,
    WebAuthnCheck webAuthn,
    PolicyHost policies,
    Risk.RiskService risk,
    Metrics.StepUpMetrics metrics,
    IAuditAppender audit,
    TimeProvider time)
{
    public async Task<VerifyResult> VerifyAsync(string app, string challengeId, VerifyRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var challenge = await challenges.GetAsync(challengeId, cancellationToken);
        if (challenge is null || challenge.App != app)
        {
            return new VerifyResult(VerifyStatus.NotFound);
        }

        switch (challenge.StatusAt(now))
        {
            case ChallengeStatus.Expired:
                if (await challenges.ExpireAsync(challenge.Id, cancellationToken))
                {
                    await audit.AppendAsync(Event(AuditEventTypes.ChallengeExpired, challenge, "failure", "low", "expired"), cancellationToken);
                    Finished(challenge, StepUpMethods.None, "expired", null);
                }

                return new VerifyResult(VerifyStatus.Expired) { Challenge = challenge };
            case ChallengeStatus.Locked:
                return new VerifyResult(VerifyStatus.ChallengeLocked) { Challenge = challenge, RetryAfter = RemainingOrOne(challenge.ExpiresAt, now) };
            case ChallengeStatus.Pending:
                break;
            default:
                return new VerifyResult(VerifyStatus.NotPending) { Challenge = challenge };
        }

        var subjectKey = Factors.SubjectKey.For(challenge.App, challenge.SubjectId);
        var lockout = await subjects.GetAsync(subjectKey, cancellationToken);
        if (lockout.IsLocked(now))
        {
            return new VerifyResult(VerifyStatus.SubjectLocked) { Challenge = challenge, RetryAfter = RemainingOrOne(lockout.LockedUntil!.Value, now) };
        }

        if ((challenge.Methods & request.Method) == 0)
        {
            return new VerifyResult(VerifyStatus.MethodNotAllowed) { Challenge = challenge };
        }

        var check = request.Method switch
        {
            StepUpMethods.Totp => await totp.CheckAsync(subjectKey, request.Code, cancellationToken),
            StepUpMethods.RecoveryCode => await recoveryCodes.CheckAsync(subjectKey, request.Code, cancellationToken),
            _ => await webAuthn.CheckAssertionAsync(challenge, request.Credential, cancellationToken),
        };
        var policy = policies.Current.Policy;
        if (check.Success)
        {
            var level = ElevationRules.Achieved(policy, request.Method, check.UserVerified, check.BackupEligible);
            check = level >= challenge.Level ? check : MethodCheck.Fail("level_not_reached");
        }

        return check.Success
            ? await SucceedAsync(challenge, request.Method, check, policy, now, cancellationToken)
            : await FailAsync(challenge, request.Method, check.Reason ?? "invalid", policy, now, cancellationToken);
    }

    private async Task<VerifyResult> SucceedAsync(Challenge challenge, StepUpMethods method, MethodCheck check, CompiledPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await challenges.CompleteAsync(challenge.Id, now, cancellationToken))
        {
            return new VerifyResult(VerifyStatus.NotPending) { Challenge = challenge }; // a concurrent answer won
        }

        await subjects.RecordSuccessAsync(Factors.SubjectKey.For(challenge.App, challenge.SubjectId), now, cancellationToken);
        var elevation = new Elevation
        {
            Id = "el_" + RandomTokens.UrlSafe(18),
            App = challenge.App,
            SubjectId = challenge.SubjectId,
            SessionId = challenge.SessionId,
            Level = ElevationRules.Achieved(policy, method, check.UserVerified, check.BackupEligible),
            Methods = method,
            Amr = ElevationRules.Amr(challenge.AppAmr, method, check.UserVerified),
            AuthTime = now,
            Action = challenge.Action,
            Resource = challenge.BindResource ? challenge.Resource : null,
            Once = challenge.Once,
            ExpiresAt = now + challenge.MaxAge,
            ChallengeId = challenge.Id,
        };
        await elevations.AddAsync(elevation, cancellationToken);
        var token = await tokens.IssueAsync(elevation, cancellationToken);
        await risk.VerifiedAsync(challenge, cancellationToken);

        var verified = Event(AuditEventTypes.ChallengeVerified, challenge, "success", "info", null, method, challenge.Attempts + 1);
        var events = new List<AuditEventDraft> { verified, ElevationEvents.Granted(elevation) };
        if (method == StepUpMethods.RecoveryCode)
        {
            events.Add(Event(AuditEventTypes.RecoveryCodeUsed, challenge, "success", "medium", null, method));
        }

        await audit.AppendAsync(events, cancellationToken);
        Finished(challenge, method, "verified", now - challenge.CreatedAt);
        return new VerifyResult(VerifyStatus.Verified) { Challenge = challenge, Elevation = elevation, Token = token };
    }

    private async Task<VerifyResult> FailAsync(Challenge challenge, StepUpMethods method, string reason, CompiledPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updated = await challenges.RecordFailureAsync(challenge.Id, now, cancellationToken) ?? challenge;
        var lockout = await subjects.RecordFailureAsync(Factors.SubjectKey.For(challenge.App, challenge.SubjectId), policy.Lockout.Threshold, policy.Lockout.BackoffMin, policy.Lockout.BackoffMax, now, cancellationToken);
        var events = new List<AuditEventDraft>
        {
            Event(AuditEventTypes.ChallengeFailed, updated, "failure", "medium", reason, method, updated.Attempts),
        };
        if (updated.Status == ChallengeStatus.Locked)
        {
            events.Add(Event(AuditEventTypes.ChallengeLocked, updated, "failure", "high", "max_attempts"));
        }

        var subjectLocked = lockout.IsLocked(now) && lockout.ConsecutiveFailures == 0;
        if (subjectLocked)
        {
            var locked = Event(AuditEventTypes.SubjectLocked, updated, "failure", "high", "consecutive_failures");
            locked.Payload["locked_until"] = AuditTime.ToText(lockout.LockedUntil!.Value);
            events.Add(locked);
        }

        risk.Failed(updated, events);
        await audit.AppendAsync(events, cancellationToken);
        Finished(updated, method, updated.Status == ChallengeStatus.Locked ? "locked" : "failed", null);
        if (subjectLocked)
        {
            return new VerifyResult(VerifyStatus.SubjectLocked) { Challenge = updated, Reason = reason, RetryAfter = RemainingOrOne(lockout.LockedUntil!.Value, now) };
        }

        return updated.Status == ChallengeStatus.Locked
            ? new VerifyResult(VerifyStatus.ChallengeLocked) { Challenge = updated, Reason = reason, RetryAfter = RemainingOrOne(updated.ExpiresAt, now) }
            : new VerifyResult(VerifyStatus.Wrong) { Challenge = updated, Reason = reason };
    }

    private void Finished(Challenge challenge, StepUpMethods method, string outcome, TimeSpan? completion) =>
        metrics.ChallengeFinished(method == StepUpMethods.None ? "none" : method.ToNames()[0], outcome, challenge.Action,
            StepUp.Core.Monitoring.DeviceClass.Of(challenge.ContextUserAgent), completion);

    private static TimeSpan RemainingOrOne(DateTimeOffset until, DateTimeOffset now) =>
        until - now > TimeSpan.FromSeconds(1) ? until - now : TimeSpan.FromSeconds(1);

    private static AuditEventDraft Event(string type, Challenge challenge, string outcome, string severity, string? reason, StepUpMethods method = StepUpMethods.None, int attempt = 0)
    {
        var payload = ChallengeEvents.Base(challenge, outcome, severity);
        var details = new JsonObject { ["id"] = challenge.Id };
        if (method != StepUpMethods.None)
        {
            details["method"] = method.ToNames()[0];
        }

        if (attempt > 0)
        {
            details["attempt"] = attempt;
        }

        payload["challenge"] = details;
        if (reason is not null)
        {
            payload["reason"] = reason;
        }

        return new AuditEventDraft { Type = type, Payload = payload };
    }
}
