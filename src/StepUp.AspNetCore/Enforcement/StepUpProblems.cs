using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace StepUp.AspNetCore.Enforcement;

/// <summary>The RFC 9457 problems the library answers with; generic texts, details only in logs and StepUp's audit.</summary>
internal static class StepUpProblems
{
    public const string DeniedType = "urn:stepup:problem:denied";
    public const string UnavailableType = "urn:stepup:problem:unavailable";

    /// <summary>403 for a <c>deny</c> decision, with its id and never its reasons.</summary>
    public static IResult Denied(string? decisionId)
    {
        var problem = new ProblemDetails
        {
            Type = DeniedType,
            Title = "Forbidden",
            Status = StatusCodes.Status403Forbidden,
            Detail = "This action is not allowed.",
        };
        problem.Extensions["decision_id"] = decisionId;
        return new NoStore(TypedResults.Problem(problem));
    }

    /// <summary>503 when StepUp could not decide and the app fails closed.</summary>
    public static IResult Unavailable() => new NoStore(TypedResults.Problem(new ProblemDetails
    {
        Type = UnavailableType,
        Title = "Step-up check unavailable",
        Status = StatusCodes.Status503ServiceUnavailable,
        Detail = "The action cannot be checked right now. Try again later.",
    }));

    private sealed class NoStore(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
