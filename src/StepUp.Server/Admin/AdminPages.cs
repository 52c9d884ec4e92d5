using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using StepUp.Server.Admin.Components;
using StepUp.Server.Errors;

namespace StepUp.Server.Admin;

/// <summary>Renders the dashboard's Razor components on the server (no interactivity, no client framework).</summary>
internal static class AdminPages
{
    public static IResult Page<TComponent>(object parameters, int status = StatusCodes.Status200OK)
        where TComponent : IComponent =>
        new RazorComponentResult<TComponent>(parameters) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>An HTML error page with the problem's status and stable code.</summary>
    public static IResult Error(HttpContext http, ProblemCode problem, string message)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Page<MessagePage>(new { Title = problem.Title, Message = message, Code = problem.Code, Link = "/admin", LinkText = "Back to the dashboard" }, problem.Status);
    }
}
