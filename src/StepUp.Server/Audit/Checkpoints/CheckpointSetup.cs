using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;

namespace StepUp.Server.Audit.Checkpoints;

/// <summary>Registers the checkpoint writer and checks its options at start.</summary>
internal static class CheckpointSetup
{
    /// <summary>Smallest accepted <c>StepUp:Audit:CheckpointInterval</c>.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    public static IServiceCollection AddStepUpCheckpoints(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<StepUpServerOptions>, CheckpointOptionsValidator>();
        services.AddSingleton<CheckpointWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<CheckpointWriter>());
        return services;
    }

    private sealed class CheckpointOptionsValidator : IValidateOptions<StepUpServerOptions>
    {
        public ValidateOptionsResult Validate(string? name, StepUpServerOptions options)
        {
            var audit = options.Audit;
            var errors = new List<string>();
            if (audit.CheckpointEvery < 1)
            {
                errors.Add("StepUp:Audit:CheckpointEvery must be at least 1");
            }

            if (audit.CheckpointInterval < MinInterval)
            {
                errors.Add("StepUp:Audit:CheckpointInterval must be at least 00:00:01");
            }

            if (!string.IsNullOrWhiteSpace(audit.CheckpointFile) && Directory.Exists(audit.CheckpointFile))
            {
                errors.Add("StepUp:Audit:CheckpointFile must be a file, not a directory");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
