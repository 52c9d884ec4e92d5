using StepUp.Storage;
using StepUp.Storage.Sqlite;

namespace StepUp.Server.Hosting;

/// <summary>Registers the configured store (SQLite now; PostgreSQL arrives behind the same interfaces).</summary>
internal static class StorageSetup
{
    public static IServiceCollection AddStepUpStorage(this IServiceCollection services, IConfiguration section)
    {
        var options = section.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        if (!string.Equals(options.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"StepUp:Storage:Provider '{options.Provider}' is not supported yet (use sqlite)");
        }

        services.AddSingleton(sp => SqliteDatabase.Open(options.ConnectionString, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton(sp => new SqliteAuditAppender(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAuditAppender>(sp => sp.GetRequiredService<SqliteAuditAppender>());
        services.AddSingleton<IAuditAppenderStats>(sp => sp.GetRequiredService<SqliteAuditAppender>());
        services.AddSingleton<IAuditFeed>(sp => sp.GetRequiredService<SqliteAuditAppender>());
        services.AddSingleton<IAuditReader>(sp => new SqliteAuditReader(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<StepUp.Storage.Keys.ISigningKeyStore>(sp => new StepUp.Storage.Keys.SqliteSigningKeyStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AuditStoreVerifier(sp.GetRequiredService<IAuditReader>(), sp.GetRequiredService<StepUp.Storage.Keys.ISigningKeyStore>(), sp.GetRequiredService<StepUp.Storage.Retention.IAuditRetention>()));
        services.AddSingleton<IApiKeyStore>(sp => new SqliteApiKeyStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StepUp.Storage.Sinks.ISinkDeliveryStore>(sp => new StepUp.Storage.Sinks.SqliteSinkDeliveryStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<StepUp.Storage.Retention.IAuditRetention>(sp => new StepUp.Storage.Retention.SqliteAuditRetention(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
