using System.Text.Json;
using StepUp.Core.Audit;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Decisions;
using StepUp.Server.Errors;
using StepUp.Server.Http;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// The answers of <c>GET /v1/forward-auth</c> (SPEC §6). Every answer is <c>Cache-Control:
/// no-store</c> and names the outcome in <c>X-StepUp-Decision</c> (<c>none</c> when no route
/// matched, so nothing was decided). The step-up body is the decision's JSON without
/// <c>rules</c>, <c>reasons</c> and <c>risk</c>: proxies such as Traefik hand it to the end user,
/// who must not learn the policy.
/// </summary>
internal static class ForwardAuthAnswers
{
    public const string DecisionHeader = "X-StepUp-Decision";
    public const string DecisionIdHeader = "X-StepUp-Decision-Id";

    /// <summary>The challenge URL, so a proxy that drops the body (nginx <c>auth_request</c>) can still hand it on.</summary>
    public const string ChallengeHeader = "X-StepUp-Challenge";

    public static IResult NotProtected() => new Answer(StatusCodes.Status200OK, "none", null, null);

    public static IResult Allowed(DecisionOutcome outcome) => new Answer(StatusCodes.Status200OK, "allow", outcome, null);

    public static IResult Denied(DecisionOutcome outcome) => new Answer(StatusCodes.Status403Forbidden, "deny", outcome, null);

    /// <summary>401 with the RFC 9470 challenge and the decision JSON; <paramref name="location"/> for browsers.</summary>
    public static IResult StepUpRequired(DecisionOutcome outcome, string? location) =>
        new Answer(StatusCodes.Status401Unauthorized, "step_up", outcome, location);

    /// <summary>302 to the hosted challenge (<c>StepUp:ForwardAuth:BrowserMode=redirect</c>).</summary>
    public static IResult StepUpRedirect(DecisionOutcome outcome, string location) =>
        new Answer(StatusCodes.Status302Found, "step_up", outcome, location);

    /// <summary>The hosted challenge URL with <c>return_to</c> in its query, before the fragment that carries the page secret.</summary>
    public static string ChallengeLocation(string challengeUrl, string? returnTo)
    {
        ArgumentNullException.ThrowIfNull(challengeUrl);
        if (returnTo is null)
        {
            return challengeUrl;
        }

        var hash = challengeUrl.IndexOf('#', StringComparison.Ordinal);
        var head = hash < 0 ? challengeUrl : challengeUrl[..hash];
        var fragment = hash < 0 ? string.Empty : challengeUrl[hash..];
        return head + (head.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "return_to=" + Uri.EscapeDataString(returnTo) + fragment;
    }

    private sealed class Answer(int status, string decision, DecisionOutcome? outcome, string? location) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers[DecisionHeader] = decision;
            if (outcome is not null)
            {
                response.Headers[DecisionIdHeader] = outcome.DecisionId;
            }

            if (status == StatusCodes.Status403Forbidden)
            {
                await Problems.WriteAsync(httpContext, ProblemCode.ActionDenied, extra: w => w.WriteString("decision_id", outcome!.DecisionId));
                return;
            }

            response.StatusCode = status;
            response.Headers.CacheControl = "no-store";
            if (outcome is null || outcome.Effect != RuleEffect.StepUp)
            {
                return;
            }

            var evaluation = outcome.Evaluation;
            var maxAge = (long)evaluation.MaxAge.TotalSeconds;
            var wwwAuthenticate = StepUpChallengeHeader.Format(evaluation.Level.ToAcr(), maxAge);
            response.Headers.WWWAuthenticate = wwwAuthenticate;
            if (outcome.Challenge is { } issued)
            {
                response.Headers[ChallengeHeader] = issued.Url;
            }

            if (location is not null)
            {
                response.Headers.Location = location;
            }

            if (status == StatusCodes.Status302Found)
            {
                return;
            }

            response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(response.BodyWriter, JsonOutput.WriterOptions);
            WriteStepUp(writer, outcome, maxAge, wwwAuthenticate);
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }

    private static void WriteStepUp(Utf8JsonWriter writer, DecisionOutcome outcome, long maxAge, string wwwAuthenticate)
    {
        var evaluation = outcome.Evaluation;
        writer.WriteStartObject();
        writer.WriteString("decision", "step_up");
        writer.WriteString("decision_id", outcome.DecisionId);
        DecisionJson.WriteRequirement(writer, outcome, maxAge);
        writer.WriteString("www_authenticate", wwwAuthenticate);
        writer.WriteEndObject();
    }
}
