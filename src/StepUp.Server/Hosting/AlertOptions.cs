namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Alerts</c>: where raised alerts are POSTed (SPEC §5).</summary>
public sealed class AlertOptions
{
    public List<AlertWebhookOptions> Webhooks { get; set; } = [];
}

/// <summary>One alert receiver: <c>StepUp:Alerts:Webhooks:N:Url</c> and <c>:Secret</c>.</summary>
public sealed class AlertWebhookOptions
{
    /// <summary>The absolute http(s) URL each alert is POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>Shared secret for <c>X-StepUp-Signature</c> (at least 16 characters). Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>Seconds one delivery attempt may take (1–300).</summary>
    public int TimeoutSeconds { get; set; } = 10;
}
