using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Reports;
using StepUp.Core.Security;
using StepUp.Server.Admin.Components;
using StepUp.Server.Errors;
using StepUp.Server.Keys;
using StepUp.Storage;
using StepUp.Storage.Reports;

namespace StepUp.Server.Admin;

/// <summary>
/// <c>/admin/reports</c>: the signed SOC 2 evidence report of <c>stepup report soc2</c>, from the
/// browser, signed with the active audit key; <c>stepup report verify</c> checks it.
/// </summary>
internal static class AdminReportPages
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/reports", (HttpContext http, TimeProvider time) => AdminPages.Page<ReportsPage>(new { Session = http.AdminSession().Identity, Today = time.GetUtcNow() }));
        admin.MapPost("/reports/soc2", Soc2Async).DisableAntiforgery();
    }

    private static async Task<IResult> Soc2Async(HttpContext http, IAuditReader reader, AuditStoreVerifier verifier, SigningKeyService keys, AdminAudit audit, TimeProvider time)
    {
        var session = http.AdminSession();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (!Audit.AuditEndpoints.TryTime(form["from"], out var fromTime) || !Audit.AuditEndpoints.TryTime(form["to"], out var toTime)
            || fromTime is not { } from || toTime is not { } to || to <= from)
        {
            return AdminPages.Error(http, ProblemCode.ValidationFailed, "From and to must be RFC 3339 times (2026-11-01T00:00:00Z), from before to.");
        }

        using var lease = Audit.TrailScanGate.TryEnter();
        if (lease is null)
        {
            http.Response.Headers.RetryAfter = "5";
            return AdminPages.Error(http, ProblemCode.TrailScanBusy, "A report, verification or simulation is running; try again in a few seconds.");
        }

        var key = await keys.GetActiveAsync(SigningKeyPurposes.Audit, http.RequestAborted);
        var input = await Soc2ReportCollector.CollectAsync(reader, verifier, from, to, AuditTime.Truncate(time.GetUtcNow()),
            RandomNumberGenerator.GetInt32(int.MaxValue), key.Kid, "StepUp server", http.RequestAborted);
        var html = key.Sign(Soc2Report.Render(input), static (ecdsa, kid, unsigned) => ReportSignature.Sign(unsigned, kid, ecdsa));
        await audit.RecordAsync(session, "admin.report.soc2", http.RequestAborted, new JsonObject
        {
            ["from"] = AuditTime.ToText(from),
            ["to"] = AuditTime.ToText(to),
            ["chain_ok"] = input.Chain.Ok,
            ["sample_seed"] = input.Seed,
        });
        http.Response.Headers.CacheControl = "no-store";
        var name = $"stepup-soc2-{from:yyyyMMdd}-{to:yyyyMMdd}.html";
        return Results.File(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", name);
    }
}
