namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Audit:Retention</c>: how long event payloads are kept (envelopes are kept always).</summary>
public sealed class RetentionOptions
{
    /// <summary>Payload retention for every type without its own entry (SPEC §7: 400 days).</summary>
    public TimeSpan Default { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Per-type retention, e.g. <c>StepUp:Audit:Retention:Types:decision.evaluated = 90.00:00:00</c>.</summary>
    public Dictionary<string, TimeSpan> Types { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often the retention job runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
