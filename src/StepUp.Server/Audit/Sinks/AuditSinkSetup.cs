using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;

namespace StepUp.Server.Audit.Sinks;

/// <summary>Registers the audit sinks (<c>StepUp:Audit:Sinks</c>): start-up validation, the delivery loops.</summary>
internal static class AuditSinkSetup
{
    public static IServiceCollection AddStepUpAuditSinks(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<StepUpServerOptions>, AuditSinkOptionsValidator>();
        services.AddSingleton<AuditSinkHost>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditSinkHost>());
        return services;
    }
}
