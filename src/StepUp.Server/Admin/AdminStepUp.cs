using Microsoft.Extensions.Options;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Server.Decisions;
using StepUp.Server.Hosting;
using StepUp.Server.Pages;

namespace StepUp.Server.Admin;

/// <summary>What the dashboard may do about a change the admin asked for.</summary>
internal enum AdminStepUpStatus
{
    /// <summary>A fresh elevation of the admin's own subject, for this session, allows it.</summary>
    Elevated,

    /// <summary>The admin must step up first: <see cref="AdminStepUpResult.ChallengeUrl"/>.</summary>
    Required,

    /// <summary>Refused: the policy denies it, or does not ask for a step-up at all (fail closed).</summary>
    Refused,
}

internal sealed record AdminStepUpResult(AdminStepUpStatus Status, string? ChallengeUrl = null, string? Reason = null);

/// <summary>
/// Dogfooding: before the dashboard changes anything it asks StepUp itself for a decision on
/// <see cref="Action"/> for the admin's own subject and dashboard session, exactly as an app would.
/// The policy sets level and max_age; a policy that would simply allow it is treated as a refusal.
/// </summary>
internal sealed class AdminStepUp(DecisionService decisions, IOptions<StepUpServerOptions> options, TrustedProxySet proxies, TimeProvider time)
{
    public const string Action = "stepup.dashboard.change";

    public async Task<AdminStepUpResult> CheckAsync(HttpContext http, AdminSession session, string change)
    {
        var input = new DecisionInput
        {
            Subject = new SubjectInput { Id = session.Subject, SessionId = session.Id },
            Action = Action,
            Resource = new ResourceInput { Type = "dashboard", Id = change },
            Context = new ContextInput
            {
                Ip = ClientIp(http),
                UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
            },
            Now = time.GetUtcNow(),
        };
        var outcome = await decisions.DecideAsync(session.Caller, new DecisionRequest(input, null), BaseUrl(http), http.RequestAborted);
        if (outcome.Effect == RuleEffect.Allow)
        {
            return outcome.Elevation is not null
                ? new AdminStepUpResult(AdminStepUpStatus.Elevated)
                : new AdminStepUpResult(AdminStepUpStatus.Refused, Reason: $"the policy allows '{Action}' without a step-up; add a step_up rule for it (see docs/dashboard.md)");
        }

        if (outcome.Effect == RuleEffect.StepUp && outcome.Challenge is { } challenge)
        {
            if (challenge.Challenge.AvailableMethods == StepUpMethods.None)
            {
                return new AdminStepUpResult(AdminStepUpStatus.Refused, Reason: $"subject '{session.Subject}' has no factor to step up with; enrol one first");
            }

            return new AdminStepUpResult(AdminStepUpStatus.Required, WithReturn(challenge.Url));
        }

        return new AdminStepUpResult(AdminStepUpStatus.Refused, Reason: "the policy denies this: " + string.Join("; ", outcome.Reasons));
    }

    /// <summary>The challenge URL with <c>return_to</c> pointing back at the dashboard when StepUp's public URL is known.</summary>
    private string WithReturn(string url)
    {
        if (options.Value.PublicUrl is not { } publicUrl || !Uri.TryCreate(publicUrl, UriKind.Absolute, out _))
        {
            return url;
        }

        var returnTo = Uri.EscapeDataString(publicUrl.TrimEnd('/') + "/admin/stepup/return");
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var (path, fragment) = hash < 0 ? (url, string.Empty) : (url[..hash], url[hash..]);
        return path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "return_to=" + returnTo + fragment;
    }

    private string? ClientIp(HttpContext http) =>
        ForwardAuth.ForwardedFor.RequestClient(http, proxies) is { } address ? TrustedProxySet.Normalize(address).ToString() : null;

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}
