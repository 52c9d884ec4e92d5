using StepUp.Server.Admin.Components;

namespace StepUp.Server.Admin;

/// <summary>The admin dashboard at <c>/admin</c> (docs/dashboard.md).</summary>
internal static class AdminSetup
{
    public static void AddStepUpAdmin(IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<AdminSessions>();
        services.AddSingleton<AdminAudit>();
        services.AddSingleton<AdminStepUp>();
        services.AddSingleton<AdminChain>();
        services.AddSingleton<AdminOverview>();
    }

    public static void MapStepUpAdmin(WebApplication app)
    {
        var admin = app.MapGroup("/admin").ExcludeFromDescription();
        AdminSignIn.Map(admin);

        var pages = admin.MapGroup(string.Empty).RequireAdminSession();
        pages.MapGet(string.Empty, OverviewAsync);
        AdminAuditPages.Map(pages);
        AdminSubjectPages.Map(pages);
        AdminPolicyPages.Map(pages);
        AdminReportPages.Map(pages);
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, int? hours, AdminOverview overview)
    {
        var model = await overview.BuildAsync(hours is 168 ? 168 : 24, http.RequestAborted);
        return AdminPages.Page<OverviewPage>(new { Session = http.AdminSession().Identity, Model = model });
    }
}
