using System.Net;
using StepUp.Server.Errors;
using StepUp.Server.Hosting;

namespace StepUp.Server.ForwardAuth;

/// <summary>
/// The original request as the proxy describes it: <c>X-Forwarded-Method</c>, <c>X-Forwarded-Uri</c>
/// (canonicalised), <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> (only to rebuild the
/// original URL for <c>return_to</c>), the client address from <c>X-Forwarded-For</c> and the
/// <c>User-Agent</c>.
/// </summary>
internal sealed record ForwardedRequest(string Method, string RawTarget, CanonicalTarget Target, string? OriginalUrl, IPAddress? ClientIp, string? UserAgent)
{
    public const string MethodHeader = "X-Forwarded-Method";
    public const string UriHeader = "X-Forwarded-Uri";
    public const string ProtoHeader = "X-Forwarded-Proto";
    public const string HostHeader = "X-Forwarded-Host";
    public const string ForHeader = "X-Forwarded-For";

    /// <summary>Longest <c>context.user_agent</c> kept (as for <c>POST /v1/decisions</c>).</summary>
    public const int MaxUserAgentLength = 1024;

    /// <summary>The forwarded request, or null with the problem to answer (400).</summary>
    public static ForwardedRequest? Read(HttpRequest request, TrustedProxySet proxies, out IResult? problem, out string? ambiguity)
    {
        ArgumentNullException.ThrowIfNull(request);
        problem = null;
        ambiguity = null;
        var headers = request.Headers;
        var method = Single(headers, MethodHeader);
        if (method is null || method.Length > 32 || !method.All(IsTokenChar))
        {
            problem = Problems.Result(ProblemCode.InvalidForwardedRequest, $"{MethodHeader} must be one HTTP method");
            return null;
        }

        var rawTarget = Single(headers, UriHeader);
        if (rawTarget is null || !rawTarget.StartsWith('/'))
        {
            problem = Problems.Result(ProblemCode.InvalidForwardedRequest, $"{UriHeader} must be one origin-form request target (path and query, starting with '/')");
            return null;
        }

        var target = PathCanonicalizer.Canonicalize(rawTarget, out ambiguity);
        if (target is null)
        {
            problem = Problems.Result(ProblemCode.AmbiguousPath, ambiguity);
            return null;
        }

        var proto = Single(headers, ProtoHeader)?.ToLowerInvariant();
        var host = Single(headers, HostHeader);
        var originalUrl = proto is "http" or "https" && !string.IsNullOrEmpty(host) ? $"{proto}://{host}{rawTarget}" : null;
        var userAgent = request.Headers.UserAgent.Count == 1 ? request.Headers.UserAgent[0] : null;
        if (userAgent is { Length: > MaxUserAgentLength })
        {
            userAgent = userAgent[..MaxUserAgentLength];
        }

        var client = ForwardedFor.ClientAddress(headers[ForHeader], proxies);
        return new ForwardedRequest(method.ToUpperInvariant(), rawTarget, target, originalUrl, client, userAgent);
    }

    /// <summary>The header's value when it occurs exactly once and is not empty.</summary>
    public static string? Single(IHeaderDictionary headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var values = headers[name];
        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    /// <summary>RFC 9110 <c>tchar</c>.</summary>
    public static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
