using Microsoft.Extensions.Options;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Security;
using StepUp.Server.Decisions;
using StepUp.Server.Errors;
using StepUp.Server.Hosting;
using StepUp.Server.Pages;
using StepUp.Server.Security;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// <c>GET /v1/forward-auth</c> (SPEC §6): authenticates the proxy (secret and peer address), maps
/// the canonical path to an action through <c>routes:</c>, and decides through
/// <see cref="DecisionService"/> as the app <c>StepUp:ForwardAuth:App</c>, with the route as the
/// resource (<c>{ type: "http", id: "METHOD /path" }</c>) so <c>bind: resource</c> binds an
/// elevation to it. A request on no route passes without a decision.
/// </summary>
internal sealed class ForwardAuthHandler
{
    public const string CallerKeyId = "forward-auth";
    public const string ResourceType = "http";

    private readonly ForwardAuthOptions _options;
    private readonly TrustedProxySet _proxies;
    private readonly ForwardSecret _secret;
    private readonly SessionDigest _sessions;
    private readonly ActiveRoutes _routes;
    private readonly DecisionService _decisions;
    private readonly ReturnToPolicy _returnTo;
    private readonly TimeProvider _time;
    private readonly ILogger<ForwardAuthHandler> _logger;
    private readonly ApiCaller _caller;

    public ForwardAuthHandler(
        IOptions<StepUpServerOptions> options,
        TrustedProxySet proxies,
        ForwardSecret secret,
        SessionDigest sessions,
        ActiveRoutes routes,
        DecisionService decisions,
        TimeProvider time,
        ILogger<ForwardAuthHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.ForwardAuth;
        _proxies = proxies;
        _secret = secret;
        _sessions = sessions;
        _routes = routes;
        _decisions = decisions;
        _returnTo = new ReturnToPolicy(options.Value.AllowedReturnOrigins);
        _time = time;
        _logger = logger;
        _caller = new ApiCaller(CallerKeyId, _options.App, [ApiKeyScopes.Decisions]);
    }

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!_secret.IsConfigured)
        {
            return Problems.Result(ProblemCode.NotFound);
        }

        var request = http.Request;
        var peer = http.Connection.RemoteIpAddress;
        var peerTrusted = _proxies.Contains(peer);
        var secretHeader = request.Headers[ForwardSecret.HeaderName];
        var secretMatches = _secret.Matches(secretHeader); // checked even for an untrusted peer: same work either way
        if (!peerTrusted || !secretMatches)
        {
            var reason = !peerTrusted ? "the peer is not in StepUp:TrustedProxies" : secretHeader.Count == 0 ? "no X-StepUp-Forward-Secret header" : "wrong X-StepUp-Forward-Secret";
            ForwardAuthLog.Refused(_logger, peer is null ? "unknown" : TrustedProxySet.Normalize(peer).ToString(), reason);
            return Problems.Result(ProblemCode.ForwardAuthRefused);
        }

        var forwarded = ForwardedRequest.Read(request, _proxies, out var problem, out var ambiguity);
        if (forwarded is null)
        {
            if (ambiguity is not null)
            {
                ForwardAuthLog.AmbiguousPath(_logger, ambiguity);
            }

            return problem!;
        }

        var action = _routes.Current.Match(forwarded.Method, forwarded.Target.Path);
        if (action is null)
        {
            return ForwardAuthAnswers.NotProtected();
        }

        var identity = ForwardedIdentity.Read(request, _options, out problem);
        if (identity is null)
        {
            return problem!;
        }

        if (identity.Subject is null || identity.RawSession is null)
        {
            var missing = identity.Subject is null ? $"a subject ({_options.SubjectHeader})" : "a session (" + SessionSource() + ")";
            ForwardAuthLog.NotSignedIn(_logger, action, missing);
            return Problems.Result(ProblemCode.NotSignedIn, "a protected route needs " + missing);
        }

        var input = new DecisionInput
        {
            Subject = new SubjectInput { Id = identity.Subject, SessionId = _sessions.Compute(identity.RawSession) },
            Action = action,
            Resource = new ResourceInput { Type = ResourceType, Id = forwarded.Method + " " + forwarded.Target.Path },
            Context = new ContextInput { Ip = forwarded.ClientIp?.ToString(), UserAgent = forwarded.UserAgent, DeviceId = identity.DeviceId },
            Now = _time.GetUtcNow(),
        };
        var outcome = await _decisions.DecideAsync(_caller, new DecisionRequest(input, identity.ElevationToken), $"{request.Scheme}://{request.Host}", http.RequestAborted);
        return outcome.Effect switch
        {
            RuleEffect.Allow => ForwardAuthAnswers.Allowed(outcome),
            RuleEffect.Deny => ForwardAuthAnswers.Denied(outcome),
            _ => StepUp(request, forwarded, outcome),
        };
    }

    private IResult StepUp(HttpRequest request, ForwardedRequest forwarded, DecisionOutcome outcome)
    {
        if (outcome.Challenge is not { } issued || !AcceptsHtml(request))
        {
            return ForwardAuthAnswers.StepUpRequired(outcome, location: null);
        }

        // return_to only when the hosted page would accept it (same allow-list), else the page would refuse to render.
        var returnTo = forwarded.OriginalUrl is { } original && _returnTo.Check(original) is not null ? original : null;
        var location = ForwardAuthAnswers.ChallengeLocation(issued.Url, returnTo);
        return _options.BrowserMode == ForwardAuthBrowserMode.Redirect
            ? ForwardAuthAnswers.StepUpRedirect(outcome, location)
            : ForwardAuthAnswers.StepUpRequired(outcome, location);
    }

    private string SessionSource() => string.IsNullOrEmpty(_options.SessionCookie)
        ? _options.SessionHeader
        : $"cookie {_options.SessionCookie} or {_options.SessionHeader}";

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
}
