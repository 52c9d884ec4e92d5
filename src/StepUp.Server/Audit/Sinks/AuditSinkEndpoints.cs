using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Security;
using StepUp.Server.Errors;
using StepUp.Server.Security;

namespace StepUp.Server.Audit.Sinks;

/// <summary>
/// <c>GET /v1/audit/sinks</c>: each configured sink's delivery state and lag, for monitoring.
/// Operator keys (app <c>default</c>) only: the lag tells the volume of every app's events.
/// </summary>
internal static class AuditSinkEndpoints
{
    public static void MapAuditSinkEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/audit/sinks", List).RequireScope(ApiKeyScopes.AuditRead).WithTags("Audit").WithName("ListAuditSinks");
    }

    private static IResult List(HttpContext http, AuditSinkHost host)
    {
        if (http.Caller().App != ApiKeyAuthenticator.DefaultApp)
        {
            return Problems.Result(ProblemCode.InsufficientScope, "sink state is visible to operator keys (app default) only");
        }

        var committed = host.CommittedSeq;
        var sinks = new JsonArray();
        foreach (var status in host.Statuses)
        {
            sinks.Add(new JsonObject
            {
                ["name"] = status.Name,
                ["type"] = status.Type,
                ["types"] = new JsonArray(status.Types.Select(t => (JsonNode?)t).ToArray()),
                ["state"] = status.State,
                ["last_seq"] = status.LastSeq,
                ["lag"] = Math.Max(0, committed - status.LastSeq),
                ["failures"] = status.Failures,
                ["last_error"] = status.LastError,
                ["last_attempt_at"] = Time(status.LastAttemptAt),
                ["last_success_at"] = Time(status.LastSuccessAt),
                ["next_attempt_at"] = Time(status.NextAttemptAt),
            });
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new JsonObject { ["committed_seq"] = committed, ["sinks"] = sinks });
    }

    private static string? Time(DateTimeOffset? time) => time is { } t ? AuditTime.ToText(t) : null;
}
