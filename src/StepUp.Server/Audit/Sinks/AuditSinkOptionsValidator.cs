using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;

namespace StepUp.Server.Audit.Sinks;

/// <summary>Checks <c>StepUp:Audit:Sinks</c> and <c>StepUp:Alerts:Webhooks</c> at start and reports every problem at once.</summary>
internal sealed class AuditSinkOptionsValidator : IValidateOptions<StepUpServerOptions>
{
    public ValidateOptionsResult Validate(string? name, StepUpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        SinkDefinition.CreateAll(options.Audit.Sinks, errors);
        Alerts.AlertWebhooks.Definitions(options.Alerts, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
