using StepUp.Storage;
using StepUp.Storage.Keys;
using StepUp.Storage.Postgres;
using StepUp.Storage.Postgres.Risk;
using StepUp.Storage.Postgres.StepUps;
using StepUp.Storage.Retention;
using StepUp.Storage.Risk;
using StepUp.Storage.Sinks;
using StepUp.Storage.Sqlite;
using StepUp.Storage.Sqlite.Risk;
using StepUp.Storage.Sqlite.StepUps;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Hosting;

/// <summary>
/// Registers every store of the configured provider (SPEC §8): <c>sqlite</c> (default, one node) or
/// <c>postgres</c> (several nodes over one database; docs/operations.md#several-nodes-on-postgresql).
/// </summary>
internal static class StorageSetup
{
    public static IServiceCollection AddStepUpStorage(this IServiceCollection services, IConfiguration section)
    {
        var options = section.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        if (string.Equals(options.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            AddSqlite(services, options.ConnectionString);
        }
        else if (string.Equals(options.Provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString) || options.ConnectionString == StorageOptions.DefaultConnectionString)
            {
                throw new InvalidOperationException("StepUp:Storage:ConnectionString is required with StepUp:Storage:Provider=postgres (e.g. Host=db;Database=stepup;Username=stepup;Password=…)");
            }

            AddPostgres(services, options.ConnectionString);
        }
        else
        {
            throw new InvalidOperationException($"StepUp:Storage:Provider '{options.Provider}' is not supported (use sqlite or postgres)");
        }

        services.AddSingleton<IAuditAppender>(sp => sp.GetRequiredService<StepUp.Server.Risk.LocalAuditAppender>());
        services.AddSingleton(sp => new AuditStoreVerifier(sp.GetRequiredService<IAuditReader>(), sp.GetRequiredService<ISigningKeyStore>(), sp.GetRequiredService<IAuditRetention>()));
        return services;
    }

    private static void AddSqlite(IServiceCollection services, string connectionString)
    {
        services.AddSingleton(sp => SqliteDatabase.Open(connectionString, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton(sp => new SqliteAuditAppender(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new StepUp.Server.Risk.LocalAuditAppender(sp.GetRequiredService<SqliteAuditAppender>(), tracking: false, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAuditAppenderStats>(sp => sp.GetRequiredService<SqliteAuditAppender>());
        services.AddSingleton<IAuditFeed>(sp => sp.GetRequiredService<SqliteAuditAppender>());
        services.AddSingleton<IAuditReader>(sp => new SqliteAuditReader(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IAuditRollupReader>(sp => new SqliteAuditRollupReader(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IAuditForwardReader>(sp => new SqliteAuditForwardReader(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IAuditRetention>(sp => new SqliteAuditRetention(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISigningKeyStore>(sp => new SqliteSigningKeyStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IApiKeyStore>(sp => new SqliteApiKeyStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISinkDeliveryStore>(sp => new SqliteSinkDeliveryStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<ISubjectStore>(sp => new SqliteSubjectStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IFactorStore>(sp => new SqliteFactorStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IChallengeStore>(sp => new SqliteChallengeStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IElevationStore>(sp => new SqliteElevationStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IEnrollmentStore>(sp => new SqliteEnrollmentStore(sp.GetRequiredService<SqliteDatabase>()));
        services.AddSingleton<IRiskProfileStore>(sp => new SqliteRiskProfileStore(sp.GetRequiredService<SqliteDatabase>()));
    }

    private static void AddPostgres(IServiceCollection services, string connectionString)
    {
        services.AddSingleton(sp => PostgresDatabase.Open(connectionString, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.AddSingleton(sp => new PostgresAuditAppender(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new StepUp.Server.Risk.LocalAuditAppender(sp.GetRequiredService<PostgresAuditAppender>(), tracking: true, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAuditAppenderStats>(sp => sp.GetRequiredService<PostgresAuditAppender>());
        services.AddSingleton<IAuditFeed>(sp => sp.GetRequiredService<PostgresAuditAppender>());
        services.AddSingleton<IAuditReader>(sp => new PostgresAuditReader(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IAuditRollupReader>(sp => new PostgresAuditRollupReader(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IAuditForwardReader>(sp => new PostgresAuditForwardReader(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IAuditRetention>(sp => new PostgresAuditRetention(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISigningKeyStore>(sp => new PostgresSigningKeyStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IApiKeyStore>(sp => new PostgresApiKeyStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISinkDeliveryStore>(sp => new PostgresSinkDeliveryStore(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<ISubjectStore>(sp => new PostgresSubjectStore(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IFactorStore>(sp => new PostgresFactorStore(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IChallengeStore>(sp => new PostgresChallengeStore(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IElevationStore>(sp => new PostgresElevationStore(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IEnrollmentStore>(sp => new PostgresEnrollmentStore(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IRiskProfileStore>(sp => new PostgresRiskProfileStore(sp.GetRequiredService<PostgresDatabase>()));
        services.AddHostedService<StepUp.Server.Risk.DetectorFeed>();
    }
}
