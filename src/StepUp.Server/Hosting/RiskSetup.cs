using Microsoft.Extensions.Options;
using StepUp.Core.Monitoring;
using StepUp.Core.Risk;
using StepUp.Server.Risk;
using StepUp.Storage.Risk;
using StepUp.Storage.Sqlite;
using StepUp.Storage.Sqlite.Risk;

namespace StepUp.Server.Hosting;

/// <summary>Registers risk signals and detectors (SPEC §5): profiles and their write-behind, the engine, the detectors.</summary>
internal static class RiskSetup
{
    public static IServiceCollection AddStepUpRisk(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<StepUpServerOptions>, RiskOptionsValidator>();
        services.AddSingleton(sp => new RiskEngine(sp.GetRequiredService<IOptions<StepUpServerOptions>>().Value.Risk.ToSettings([])));
        services.AddSingleton<Detectors>();
        services.AddSingleton<RiskProfiles>();
        services.AddHostedService(sp => sp.GetRequiredService<RiskProfiles>());
        services.AddSingleton<RiskService>();
        return services;
    }

    /// <summary>Checks <c>StepUp:Risk</c> at start and reports every problem at once.</summary>
    private sealed class RiskOptionsValidator : IValidateOptions<StepUpServerOptions>
    {
        public ValidateOptionsResult Validate(string? name, StepUpServerOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var errors = new List<string>();
            options.Risk.ToSettings(errors);
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
