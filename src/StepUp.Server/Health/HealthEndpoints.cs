using StepUp.Server.Errors;
using StepUp.Storage;

namespace StepUp.Server.Health;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (storage reachable; the policy is loaded before the server listens).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).WithTags("Operations").ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).WithTags("Operations").ExcludeFromDescription();
    }

    private static async Task<IResult> ReadyAsync(IStorageHealth storage, HttpContext http)
    {
        return await storage.CheckAsync(http.RequestAborted)
            ? Results.Text("ready")
            : Problems.Result(ProblemCode.StorageUnavailable);
    }
}
