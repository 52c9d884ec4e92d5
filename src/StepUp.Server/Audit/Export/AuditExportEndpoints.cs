using StepUp.Core.Audit.Export;
using StepUp.Core.Security;
using StepUp.Server.Errors;
using StepUp.Server.Security;

namespace StepUp.Server.Audit.Export;

/// <summary>
/// <c>GET /v1/audit/export?format=jsonl|csv|ocsf&amp;since=&amp;until=</c>: every matching event, oldest
/// first, streamed (see <see cref="AuditExportResult"/>), then recorded as <c>audit.exported</c>.
/// </summary>
internal static class AuditExportEndpoints
{
    private static readonly string[] Extra = ["format"];

    public static IEndpointRouteBuilder MapAuditExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/audit").RequireScope(ApiKeyScopes.AuditRead).WithTags("Audit")
            .MapGet("/export", Export).WithName("ExportAuditEvents");
        return app;
    }

    internal static IResult Export(HttpContext http)
    {
        var filters = AuditFilterParameters.Read(http, timeRange: true, Extra, out var problem);
        if (filters is null)
        {
            return problem!;
        }

        var format = AuditExportFormat.Jsonl;
        if (http.Request.Query.TryGetValue("format", out var formatText) && !AuditExportFormats.TryParse(formatText, out format))
        {
            return Problems.Result(ProblemCode.InvalidQuery, "format must be jsonl, csv or ocsf");
        }

        return new AuditExportResult(format, filters, http.Caller());
    }
}
