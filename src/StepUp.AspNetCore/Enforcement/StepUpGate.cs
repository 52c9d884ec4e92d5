using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StepUp.AspNetCore.Decisions;
using StepUp.AspNetCore.Logging;
using StepUp.AspNetCore.Requests;
using StepUp.AspNetCore.Tokens;

namespace StepUp.AspNetCore.Enforcement;

/// <summary>
/// The check in front of a protected endpoint: unauthenticated → the app's own challenge; a valid
/// non-<c>once</c> elevation token → run without calling StepUp; otherwise ask StepUp and map
/// allow / step_up / deny to run / 401 (RFC 9470) / 403, and no answer to 503 (or run, when failing open).
/// Returns null when the endpoint may run, else the response to send instead.
/// </summary>
internal sealed class StepUpGate(
    IOptions<StepUpOptions> options,
    ClientAddressResolver addresses,
    ElevationTokenValidator tokens,
    DecisionClient decisions,
    ILogger<StepUpGate> logger)
{
    public async ValueTask<IResult?> CheckAsync(HttpContext http, StepUpRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(requirement);
        var settings = options.Value;
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return Results.Challenge();
        }

        var subject = RequestIdentity.Subject(user, settings) ?? throw new InvalidOperationException(
            $"StepUp: the signed-in user has neither a '{settings.SubjectClaim}' nor a 'sub' claim; set StepUpOptions.SubjectClaim.");
        var session = RequestIdentity.Session(http, settings) ?? throw new InvalidOperationException(
            $"StepUp: no session id for this request: add a '{settings.SessionClaim}' claim at sign-in, or set StepUpOptions.SessionClaim or SessionCookieName.");
        var deviceId = DeviceCookie.Ensure(http, settings.DeviceCookieName);
        var resource = await requirement.ResolveResourceAsync(http);

        var token = PresentedToken(http);
        if (token is not null)
        {
            var check = await tokens.CheckAsync(token, subject, session, requirement.Action, resource, http.RequestAborted);
            if (check.IsLocallyAcceptable)
            {
                StepUpLog.AcceptedLocally(logger, requirement.Action, check.ElevationId);
                http.Features.Set(new StepUpResult(requirement.Action, StepUpSource.LocalToken, null, check.ElevationId));
                return null;
            }

            StepUpLog.NotAcceptedLocally(logger, requirement.Action, check.Once && check.Verdict == TokenVerdict.Valid ? "once" : check.Verdict.ToString());
        }

        var answer = await decisions.DecideAsync(new DecisionQuery
        {
            SubjectId = subject,
            SessionId = session,
            SubjectAttributes = settings.SubjectAttributes?.Invoke(http),
            Action = requirement.Action,
            Resource = resource,
            Ip = addresses.Resolve(http)?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.Count == 1 ? http.Request.Headers.UserAgent[0] : null,
            DeviceId = deviceId,
            Amr = RequestIdentity.Amr(user),
            AuthTime = RequestIdentity.AuthTime(user),
            // Sent even when the local check failed: StepUp audits it as a scope violation.
            ElevationToken = token,
        }, http.RequestAborted);
        return Map(http, requirement.Action, answer);
    }

    private IResult? Map(HttpContext http, string action, DecisionAnswer answer)
    {
        switch (answer.Kind)
        {
            case DecisionKind.Allow:
                StepUpLog.Allowed(logger, action, answer.DecisionId, answer.ElevationId);
                http.Features.Set(new StepUpResult(action, StepUpSource.Decision, answer.DecisionId, answer.ElevationId));
                return null;
            case DecisionKind.StepUp:
                StepUpLog.SteppedUp(logger, action, answer.DecisionId);
                return new StepUpChallengeResult(answer);
            case DecisionKind.Deny:
                StepUpLog.Denied(logger, action, answer.DecisionId);
                return StepUpProblems.Denied(answer.DecisionId);
            case DecisionKind.Unavailable when options.Value.FailOpen:
                StepUpLog.FailedOpen(logger, action, answer.Failure);
                http.Features.Set(new StepUpResult(action, StepUpSource.FailOpen, null, null));
                return null;
            case DecisionKind.Unavailable:
                StepUpLog.FailedClosed(logger, action, answer.Failure);
                return StepUpProblems.Unavailable();
            default:
                StepUpLog.Refused(logger, action, answer.Failure);
                return StepUpProblems.Unavailable();
        }
    }

    /// <summary>The one <c>X-StepUp-Token</c> value, if exactly one non-empty value was sent.</summary>
    private static string? PresentedToken(HttpContext http)
    {
        var values = http.Request.Headers[StepUpDefaults.TokenHeaderName];
        return values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;
    }
}
