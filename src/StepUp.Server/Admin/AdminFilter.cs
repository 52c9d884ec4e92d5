using StepUp.Server.Errors;
using StepUp.Server.Pages;
using StepUp.Server.Security;

namespace StepUp.Server.Admin;

/// <summary>
/// Guards every dashboard endpoint but sign-in: a live session cookie (else a redirect to sign-in
/// for a page, 401 for anything else) and, on every POST, the session's CSRF token in the form
/// field <c>csrf</c> (else 403, nothing changed). Sets the session and its API caller for the handler.
/// </summary>
internal static class AdminFilter
{
    public const string CsrfField = "csrf";
    private const string SessionItem = "stepup.admin.session";

    public static TBuilder RequireAdminSession<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            PageHeaders.Apply(http.Response);
            var sessions = http.RequestServices.GetRequiredService<AdminSessions>();
            var cookie = http.Request.Cookies[AdminSessions.CookieName];
            var session = sessions.Find(cookie);
            if (session is not null)
            {
                // A revoked key (or one that lost a scope the dashboard needs) ends its sessions at once.
                var keys = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
                var caller = await keys.AuthenticateDigestAsync(session.KeyDigest, http.RequestAborted);
                if (!AdminSessions.MayUse(caller))
                {
                    sessions.Remove(cookie);
                    session = null;
                }
            }

            if (session is null)
            {
                if (HttpMethods.IsGet(http.Request.Method) && !IsStream(http))
                {
                    return Results.Redirect("/admin/login?next=" + Uri.EscapeDataString(LocalPath(http)));
                }

                return AdminPages.Error(http, ProblemCode.AdminSessionRequired, "Sign in to the dashboard first.");
            }

            if (!HttpMethods.IsGet(http.Request.Method))
            {
                var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
                if (!AdminSessions.SameToken(form?[CsrfField].ToString(), session.Csrf))
                {
                    return AdminPages.Error(http, ProblemCode.AdminCsrfFailed, "The form was not sent from this dashboard session. Reload the page and try again.");
                }
            }

            http.Items[SessionItem] = session;
            http.SetCaller(session.Caller);
            return await next(context);
        });
        return builder;
    }

    public static AdminSession AdminSession(this HttpContext http) =>
        http.Items[SessionItem] as AdminSession ?? throw new InvalidOperationException("endpoint has no RequireAdminSession filter");

    /// <summary>The request's path and query, for coming back after sign-in or a step-up.</summary>
    public static string LocalPath(HttpContext http) => http.Request.Path + http.Request.QueryString;

    private static bool IsStream(HttpContext http) => http.Request.Path.StartsWithSegments("/admin/live/stream", StringComparison.Ordinal);
}
