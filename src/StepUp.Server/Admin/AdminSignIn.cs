using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using StepUp.Core.Security;
using StepUp.Server.Admin.Components;
using StepUp.Server.Errors;
using StepUp.Server.Hosting;
using StepUp.Server.Pages;
using StepUp.Server.Security;

namespace StepUp.Server.Admin;

/// <summary>
/// <c>/admin/login</c> and <c>/admin/logout</c>. Sign-in takes an operator API key (app
/// <c>default</c>) with the <c>admin</c>, <c>audit:read</c> and <c>factors</c> scopes, and one of
/// <c>StepUp:Admin:Subjects</c>; the login form carries its own CSRF token
/// (double-submit cookie), so a third-party page cannot sign a browser in.
/// </summary>
internal static class AdminSignIn
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/login", ShowLogin);
        admin.MapPost("/login", LoginAsync).DisableAntiforgery();
        admin.MapPost("/logout", LogoutAsync).RequireAdminSession().DisableAntiforgery();
    }

    private static IResult ShowLogin(HttpContext http, string? next, AdminSessions sessions)
    {
        PageHeaders.Apply(http.Response);
        var csrf = RandomTokens.UrlSafe(32);
        http.Response.Cookies.Append(AdminSessions.LoginCsrfCookie, csrf, sessions.CookieOptions(http.Request));
        return AdminPages.Page<LoginPage>(new { Csrf = csrf, Next = SafeNext(next) });
    }

    private static async Task<IResult> LoginAsync(HttpContext http, ApiKeyAuthenticator keys, AdminSessions sessions, AdminAudit audit, IOptions<StepUpServerOptions> options)
    {
        PageHeaders.Apply(http.Response);
        if (!http.Request.HasFormContentType)
        {
            return AdminPages.Error(http, ProblemCode.AdminCsrfFailed, "Sign in with the form.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var expected = http.Request.Cookies[AdminSessions.LoginCsrfCookie];
        if (expected is null || !AdminSessions.SameToken(form["csrf"].ToString(), expected))
        {
            return AdminPages.Error(http, ProblemCode.AdminCsrfFailed, "The sign-in form expired or was not sent from this dashboard. Reload it and try again.");
        }

        var subject = form["subject"].ToString().Trim();
        var key = form["api_key"].ToString().Trim();
        var digest = ApiKeyAuthenticator.Digest(key);
        var caller = key.Length is > 0 and <= 512 ? await keys.AuthenticateDigestAsync(digest, http.RequestAborted) : null;
        var allowed = options.Value.Admin.Subjects.Contains(subject, StringComparer.Ordinal);
        if (!AdminSessions.MayUse(caller) || !allowed)
        {
            // One answer for every reason, so the form does not tell which part was wrong.
            await audit.RecordAsync("admin.sign_in", "failure", caller?.App ?? ApiKeyAuthenticator.DefaultApp, caller?.KeyId,
                subject.Length is > 0 and <= 256 ? subject : null, null, http.RequestAborted,
                new JsonObject { ["reason"] = caller is null ? "unknown_key" : !AdminSessions.MayUse(caller) ? "key_not_allowed" : "subject_not_allowed" });
            var csrf = RandomTokens.UrlSafe(32);
            http.Response.Cookies.Append(AdminSessions.LoginCsrfCookie, csrf, sessions.CookieOptions(http.Request));
            return AdminPages.Page<LoginPage>(new
            {
                Csrf = csrf,
                Next = SafeNext(form["next"]),
                Error = $"Sign-in refused ({ProblemCode.AdminSignInRefused.Code}): use an operator key (app default) with the admin, audit:read and factors scopes, as a subject listed in StepUp:Admin:Subjects.",
            }, ProblemCode.AdminSignInRefused.Status);
        }

        var (session, cookie) = sessions.Create(caller, digest, subject);
        http.Response.Cookies.Delete(AdminSessions.LoginCsrfCookie, sessions.CookieOptions(http.Request));
        http.Response.Cookies.Append(AdminSessions.CookieName, cookie, sessions.CookieOptions(http.Request));
        await audit.RecordAsync(session, "admin.sign_in", http.RequestAborted);
        return Results.Redirect(SafeNext(form["next"]) ?? "/admin", preserveMethod: false);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, AdminSessions sessions, AdminAudit audit)
    {
        var session = http.AdminSession();
        sessions.Remove(http.Request.Cookies[AdminSessions.CookieName]);
        http.Response.Cookies.Delete(AdminSessions.CookieName, sessions.CookieOptions(http.Request));
        await audit.RecordAsync(session, "admin.sign_out", http.RequestAborted);
        return Results.Redirect("/admin/login");
    }

    /// <summary>Only a local dashboard path: never an open redirect.</summary>
    internal static string? SafeNext(string? next) =>
        next is { Length: > 0 and <= 2048 } && next.StartsWith("/admin", StringComparison.Ordinal) && !next.Contains("//", StringComparison.Ordinal)
            && !next.Contains('\\', StringComparison.Ordinal) && next.All(c => c is > ' ' and <= '~')
            ? next
            : null;
}
