using System.Text;
using System.Text.Json;
using StepUp.Server.Admin.Components;
using StepUp.Server.Audit.Export;
using StepUp.Server.Errors;
using StepUp.Storage;

namespace StepUp.Server.Admin;

/// <summary>Live (SSE), the audit explorer (every filter of <c>/v1/audit/events</c>), one event with its chain proof, export.</summary>
internal static class AdminAuditPages
{
    private static readonly string[] Extra = ["cursor", "limit"];

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/live", (HttpContext http) => AdminPages.Page<LivePage>(new { Session = http.AdminSession().Identity, Query = http.Request.QueryString.Value ?? string.Empty }));
        admin.MapGet("/live/stream", Audit.Stream.AuditStreamEndpoints.StreamEvents);
        admin.MapGet("/audit", ExploreAsync);
        admin.MapGet("/audit/export", Audit.Export.AuditExportEndpoints.Export);
        admin.MapGet("/audit/{seq:long}", EventAsync);
    }

    private static async Task<IResult> ExploreAsync(HttpContext http, IAuditReader reader)
    {
        var session = http.AdminSession();
        var filters = AuditFilterParameters.Read(http, timeRange: true, Extra, out _);
        if (filters is null)
        {
            return AdminPages.Error(http, ProblemCode.InvalidQuery, "A filter is invalid: times must be RFC 3339 (2026-11-22T08:00:00Z), since before until, each filter once.");
        }

        AuditPage page;
        try
        {
            page = await reader.QueryAsync(filters.Query with { Limit = 50, Cursor = http.Request.Query["cursor"] }, http.RequestAborted);
        }
        catch (InvalidAuditQueryException ex)
        {
            return AdminPages.Error(http, ProblemCode.InvalidQuery, $"Invalid {ex.Parameter ?? "query"}.");
        }

        var exportQuery = string.Join('&', filters.Applied.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return AdminPages.Page<AuditExplorerPage>(new { Session = session.Identity, Filters = filters.Applied, Page = page, ExportQuery = exportQuery });
    }

    private static async Task<IResult> EventAsync(HttpContext http, long seq, AdminChain chain)
    {
        var proof = await chain.ProofAsync(seq, http.RequestAborted);
        if (proof is null)
        {
            return AdminPages.Error(http, ProblemCode.NotFound, $"No event with seq {seq}.");
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            proof.Event.WriteTo(writer);
        }

        return AdminPages.Page<EventPage>(new { Session = http.AdminSession().Identity, Proof = proof, Json = Encoding.UTF8.GetString(buffer.ToArray()) });
    }
}
