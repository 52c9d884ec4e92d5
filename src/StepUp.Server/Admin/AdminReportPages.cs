using StepUp.Server.Admin.Components;

namespace StepUp.Server.Admin;

/// <summary><c>/admin/reports</c>: the signed SOC 2 evidence report of <c>stepup report soc2</c>, from the browser.</summary>
internal static class AdminReportPages
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/reports", (HttpContext http, TimeProvider time) => AdminPages.Page<ReportsPage>(new { Session = http.AdminSession().Identity, Today = time.GetUtcNow() }));
    }
}
