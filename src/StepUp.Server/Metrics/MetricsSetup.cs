using System.Diagnostics.Metrics;
using StepUp.Storage;

namespace StepUp.Server.Metrics;

/// <summary>Registers the metrics listener and <see cref="StepUpMetrics"/> (singletons).</summary>
internal static class MetricsSetup
{
    public static IServiceCollection AddStepUpMetrics(IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<MetricsCollector>();
        services.AddSingleton(sp =>
        {
            // The listener must be listening before the first measurement, or early counts are lost.
            sp.GetRequiredService<MetricsCollector>();
            return new StepUpMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<IAuditAppenderStats>());
        });
        return services;
    }
}
