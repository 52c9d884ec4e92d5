using StepUp.Server.Audit.Stream;
using StepUp.Storage;
using StepUp.Storage.Sqlite;

namespace StepUp.Server.Audit.Export;

/// <summary>Services of the audit export and live stream.</summary>
internal static class AuditExportServices
{
    /// <summary>Registers the forward reader and the stream options (<c>StepUp:Audit:Stream</c>).</summary>
    public static IServiceCollection AddAuditExport(this IServiceCollection services)
    {
        services.AddSingleton<AuditStreamConnections>();
        services.AddOptions<AuditStreamOptions>()
            .BindConfiguration(AuditStreamOptions.Section)
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.HeartbeatInterval <= TimeSpan.FromMinutes(10),
                $"{AuditStreamOptions.Section}:HeartbeatInterval must be between 0 and 10 minutes")
            .ValidateOnStart();
        return services;
    }
}
