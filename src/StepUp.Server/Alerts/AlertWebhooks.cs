using StepUp.Core.Audit;
using StepUp.Server.Audit.Sinks;
using StepUp.Server.Hosting;

namespace StepUp.Server.Alerts;

/// <summary>
/// Alert webhooks (<c>StepUp:Alerts:Webhooks:N</c>) are audit sinks that select <c>alert.raised</c>,
/// one alert per POST, starting at the end of the log on first start: they inherit the sinks'
/// durable cursor (nothing raised is skipped, a restart resumes), back-off and signature.
/// </summary>
internal static class AlertWebhooks
{
    public const string NamePrefix = "alert-webhook-";

    /// <summary>The sink definitions of the configured webhooks, or their problems in <paramref name="errors"/>.</summary>
    public static IReadOnlyList<SinkDefinition> Definitions(AlertOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var definitions = new List<SinkDefinition>();
        for (var i = 0; i < options.Webhooks.Count; i++)
        {
            var webhook = options.Webhooks[i];
            var sink = new AuditSinkOptions
            {
                Name = NamePrefix + i,
                Type = "webhook",
                Types = [AuditEventTypes.AlertRaised],
                StartFrom = "end",
                BatchSize = 1,
                TimeoutSeconds = webhook.TimeoutSeconds,
                Url = webhook.Url,
                Secret = webhook.Secret,
            };
            if (SinkDefinition.TryCreate(sink, $"StepUp:Alerts:Webhooks:{i}:", errors) is { } definition)
            {
                definitions.Add(definition);
            }
        }

        return definitions;
    }
}
