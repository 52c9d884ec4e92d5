using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace StepUp.AspNetCore.Requests;

/// <summary>
/// Who is asking, as StepUp's <c>subject</c> and <c>context.auth</c>: the subject id and session id
/// from claims, with a session id derived from the request's credential when there is no session claim.
/// </summary>
internal static class RequestIdentity
{
    private const string SubClaim = "sub";
    private const string AmrClaim = "amr";
    private const string AuthTimeClaim = "auth_time";
    private const string ChunkPrefix = "chunks-";
    private const string BearerPrefix = "Bearer ";
    private static readonly string[] DefaultSessionCookies = [".AspNetCore.Identity.Application", ".AspNetCore.Cookies"];

    public static string? Subject(ClaimsPrincipal user, StepUpOptions options) =>
        NonEmpty(user.FindFirst(options.SubjectClaim)?.Value) ?? NonEmpty(user.FindFirst(SubClaim)?.Value);

    /// <summary>
    /// The <see cref="StepUpOptions.SessionClaim"/>; else <c>h-</c> + base64url SHA-256 of the
    /// bearer token of the <c>Authorization</c> header, or of the authentication cookie (all its chunks). The digest names
    /// the session without being a usable credential, as StepUp requires (SPEC §2).
    /// </summary>
    public static string? Session(HttpContext http, StepUpOptions options)
    {
        if (NonEmpty(http.User.FindFirst(options.SessionClaim)?.Value) is { } claimed)
        {
            return claimed;
        }

        // Only bearer tokens: a Basic header is a password, and its digest must not reach an audit trail.
        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } header && header.Length > BearerPrefix.Length &&
            header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Digest(header[BearerPrefix.Length..].Trim());
        }

        var names = options.SessionCookieName is { Length: > 0 } name ? [name] : DefaultSessionCookies;
        foreach (var cookieName in names)
        {
            if (Cookie(http.Request.Cookies, cookieName) is { } cookie)
            {
                return Digest(cookie);
            }
        }

        return null;
    }

    public static IReadOnlyList<string> Amr(ClaimsPrincipal user)
    {
        List<string>? amr = null;
        foreach (var claim in user.FindAll(AmrClaim))
        {
            if (claim.Value.Length > 0)
            {
                (amr ??= []).Add(claim.Value);
            }
        }

        return amr ?? (IReadOnlyList<string>)[];
    }

    public static long? AuthTime(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(AuthTimeClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    private static string Digest(string credential) =>
        "h-" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));

    /// <summary>The cookie's value, reassembled when ASP.NET Core's chunking cookie manager split it.</summary>
    private static string? Cookie(IRequestCookieCollection cookies, string name)
    {
        var value = cookies[name];
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!value.StartsWith(ChunkPrefix, StringComparison.Ordinal) ||
            !int.TryParse(value.AsSpan(ChunkPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 100)
        {
            return value;
        }

        var whole = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            whole.Append(cookies[name + "C" + i.ToString(CultureInfo.InvariantCulture)]);
        }

        return whole.Length > 0 ? whole.ToString() : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
