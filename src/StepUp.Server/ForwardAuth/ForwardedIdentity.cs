using StepUp.Core.Decisions;
using StepUp.Server.Errors;
using StepUp.Server.Hosting;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// Who is asking, as the authentication layer in front says: the subject from
/// <c>StepUp:ForwardAuth:SubjectHeader</c>, the raw session from the cookie
/// <c>StepUp:ForwardAuth:SessionCookie</c> (when configured and present) or the header
/// <c>StepUp:ForwardAuth:SessionHeader</c>, an optional device id cookie, and an elevation token
/// the client presents in <c>X-StepUp-Token</c> (as with the ASP.NET Core library). Read only for
/// protected routes.
/// </summary>
internal sealed record ForwardedIdentity(string? Subject, string? RawSession, string? DeviceId, string? ElevationToken)
{
    /// <summary>Longest raw session value accepted.</summary>
    public const int MaxSessionLength = 4096;

    public const string TokenHeader = "X-StepUp-Token";

    /// <summary>Longest elevation token accepted (as <c>elevation_token</c> of <c>POST /v1/decisions</c>).</summary>
    public const int MaxTokenLength = 8192;

    /// <summary>The identity (parts may be absent), or null with a 400 problem when a value is malformed or repeated.</summary>
    public static ForwardedIdentity? Read(HttpRequest request, ForwardAuthOptions options, out IResult? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        problem = null;
        var subjects = request.Headers[options.SubjectHeader];
        if (subjects.Count > 1)
        {
            problem = Problems.Result(ProblemCode.InvalidForwardedRequest, $"{options.SubjectHeader} occurs more than once");
            return null;
        }

        var subject = subjects.Count == 1 ? subjects[0]?.Trim() : null;
        if (subject is { Length: 0 })
        {
            subject = null;
        }

        if (subject is not null && (subject.Length > DecisionRequestReader.MaxIdLength || subject.Any(char.IsControl)))
        {
            problem = Problems.Result(ProblemCode.InvalidForwardedRequest, $"{options.SubjectHeader} must be at most {DecisionRequestReader.MaxIdLength} characters without control characters");
            return null;
        }

        string? session = null;
        if (!string.IsNullOrEmpty(options.SessionCookie) && request.Cookies.TryGetValue(options.SessionCookie, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            session = cookie;
        }
        else
        {
            var sessions = request.Headers[options.SessionHeader];
            if (sessions.Count > 1)
            {
                problem = Problems.Result(ProblemCode.InvalidForwardedRequest, $"{options.SessionHeader} occurs more than once");
                return null;
            }

            session = sessions.Count == 1 && !string.IsNullOrWhiteSpace(sessions[0]) ? sessions[0]!.Trim() : null;
        }

        if (session is { Length: > MaxSessionLength })
        {
            problem = Problems.Result(ProblemCode.InvalidForwardedRequest, $"the session value is longer than {MaxSessionLength} characters");
            return null;
        }

        string? device = null;
        if (!string.IsNullOrEmpty(options.DeviceCookie) && request.Cookies.TryGetValue(options.DeviceCookie, out var deviceCookie) &&
            deviceCookie is { Length: > 0 and <= DecisionRequestReader.MaxIdLength } && deviceCookie.All(c => c is > ' ' and < '\u007f'))
        {
            device = deviceCookie;
        }

        var tokens = request.Headers[TokenHeader];
        var token = tokens.Count == 1 && !string.IsNullOrWhiteSpace(tokens[0]) ? tokens[0]!.Trim() : null;
        if (tokens.Count > 1 || token is { Length: > MaxTokenLength })
        {
            problem = Problems.Result(ProblemCode.InvalidForwardedRequest, $"{TokenHeader} must be one token of at most {MaxTokenLength} characters");
            return null;
        }

        return new ForwardedIdentity(subject, session, device, token);
    }
}
