using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using StepUp.Server.ApiKeys;
using StepUp.Server.Audit;
using StepUp.Server.Decisions;
using StepUp.Server.Errors;
using StepUp.Server.Health;
using StepUp.Server.Http;
using StepUp.Server.Policies;
using StepUp.Server.Security;

namespace StepUp.Server.Hosting;

/// <summary>Composition root: services, middleware and endpoints of the StepUp server.</summary>
internal static partial class ServerSetup
{
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplicationBuilder AddStepUpServer(this WebApplicationBuilder builder)
    {
        // Default to localhost:8080 only when nothing else says where to listen (--urls,
        // ASPNETCORE_URLS, or the HTTP_PORTS/HTTPS_PORTS that .NET container images set).
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) &&
            string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpPortsKey]) &&
            string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.HttpsPortsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var section = builder.Configuration.GetSection(StepUpServerOptions.Section);
        builder.Services.AddOptions<StepUpServerOptions>()
            .Bind(section)
            .Validate(o => o.MaxRequestBytes is >= 1024 and <= 64 * 1024 * 1024, "StepUp:MaxRequestBytes must be between 1 KiB and 64 MiB")
            .Validate(o => o.Audit.Retention.Interval >= TimeSpan.FromSeconds(1), "StepUp:Audit:Retention:Interval must be at least 1 second")
            .Validate(o => o.Audit.Retention.Default > TimeSpan.Zero && o.Audit.Retention.Types.Values.All(v => v > TimeSpan.Zero), "StepUp:Audit:Retention durations must be positive")
            .ValidateOnStart();
        var maxBytes = section.GetValue<long?>(nameof(StepUpServerOptions.MaxRequestBytes)) ?? new StepUpServerOptions().MaxRequestBytes;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxBytes;
        });

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddStepUpStorage(section);
        StepUp.Server.Keys.KeysSetup.AddStepUpSigningKeys(services);
        StepUp.Server.Audit.Checkpoints.CheckpointSetup.AddStepUpCheckpoints(services);
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<JsonBody>();
        services.AddSingleton<PolicyHost>();
        services.AddHostedService<PolicyReloader>();
        services.AddStepUpChallenges();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StepUpServerOptions>>().Value.GeoIp;
            return StepUp.Core.GeoIp.GeoIpLookup.Open(o.CityDatabase, o.AsnDatabase, o.AnonymousIpDatabase);
        });
        services.AddSingleton<StepUp.Server.Risk.GeoEnricher>();
        services.AddStepUpRisk();
        services.AddSingleton<DecisionService>();
        StepUp.Server.Audit.Sinks.AuditSinkSetup.AddStepUpAuditSinks(services);
        services.AddSingleton<StepUp.Server.Audit.Retention.RetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<StepUp.Server.Audit.Retention.RetentionService>());
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Encoder = JsonOutput.SerializerOptions.Encoder);
        StepUp.Server.Audit.Export.AuditExportServices.AddAuditExport(services);
        services.AddOpenApi();
        StepUp.Server.Metrics.MetricsSetup.AddStepUpMetrics(services);
        StepUp.Server.ForwardAuth.ForwardAuthSetup.AddStepUpForwardAuth(services);
        StepUp.Server.Admin.AdminSetup.AddStepUpAdmin(services);
        return builder;
    }

    public static WebApplication UseStepUpServer(this WebApplication app)
    {
        app.UseStepUpErrors();
        app.MapOpenApi();
        app.MapHealthEndpoints();
        StepUp.Server.Metrics.MetricsEndpoints.MapMetricsEndpoints(app);
        StepUp.Server.Keys.JwksEndpoints.MapJwksEndpoint(app);
        app.MapDecisionEndpoints();
        StepUp.Server.Challenges.ChallengeEndpoints.MapChallengeEndpoints(app);
        StepUp.Server.Factors.FactorEndpoints.MapFactorEndpoints(app);
        StepUp.Server.Elevations.ElevationEndpoints.MapElevationEndpoints(app);
        StepUp.Server.Pages.HostedPages.MapHostedPages(app);
        app.MapApiKeyEndpoints();
        app.MapPolicyEndpoints();
        app.MapAuditEndpoints();
        StepUp.Server.Audit.Export.AuditExportEndpoints.MapAuditExportEndpoints(app);
        StepUp.Server.Audit.Stream.AuditStreamEndpoints.MapAuditStreamEndpoints(app);
        StepUp.Server.Audit.Sinks.AuditSinkEndpoints.MapAuditSinkEndpoints(app);
        StepUp.Server.Alerts.AlertEndpoints.MapAlertEndpoints(app);
        StepUp.Server.ForwardAuth.ForwardAuthSetup.MapForwardAuthEndpoint(app);
        StepUp.Server.Admin.AdminSetup.MapStepUpAdmin(app);
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
        return app;
    }

    private static void PrintBanner(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var url = addresses?.FirstOrDefault() ?? DefaultUrl;
        var options = app.Services.GetRequiredService<IOptions<StepUpServerOptions>>().Value;
        var policy = app.Services.GetRequiredService<PolicyHost>();
        var storage = options.Storage.ConnectionString.Split(';')[0];
        LogBanner(app.Logger, url, policy.Path, storage);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message =
        "StepUp is listening on {Url}: API {Url}/v1/decisions, OpenAPI {Url}/openapi/v1.json, hosted pages {Url}/challenge/…, JWKS {Url}/.well-known/jwks.json, health {Url}/healthz; docs in docs/ (README.md); policy {PolicyPath}; storage {Storage}")]
    private static partial void LogBanner(ILogger logger, string url, string policyPath, string storage);
}
