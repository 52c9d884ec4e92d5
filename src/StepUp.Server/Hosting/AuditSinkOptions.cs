namespace StepUp.Server.Hosting;

/// <summary>
/// One audit sink under <c>StepUp:Audit:Sinks:N</c>: a webhook or a syslog receiver that gets the
/// audit events of the selected types, at least once and in order (docs/audit-sinks.md).
/// </summary>
public sealed class AuditSinkOptions
{
    /// <summary>Unique name; delivery state is kept under it (renaming a sink starts a new cursor).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary><c>webhook</c> or <c>syslog</c>.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>Event type patterns (<c>decision.*</c>, <c>stepup.**</c>, <c>alert.raised</c>); empty means every type.</summary>
    public List<string> Types { get; set; } = [];

    /// <summary>Where a new sink starts: <c>beginning</c> (the whole stored log, default) or <c>end</c> (events after its first start).</summary>
    public string StartFrom { get; set; } = "beginning";

    /// <summary>Events per webhook POST, or per syslog write between cursor updates (1–1000).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Seconds one delivery attempt (connect, send, response) may take (1–300).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Webhook: the absolute http(s) URL events are POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>Webhook: shared secret for the <c>X-StepUp-Signature</c> HMAC (at least 16 characters). Never logged.</summary>
    public string? Secret { get; set; }

    /// <summary>Syslog: receiver host name or IP address.</summary>
    public string? Host { get; set; }

    /// <summary>Syslog: receiver port.</summary>
    public int Port { get; set; } = 514;

    /// <summary>Syslog: <c>udp</c> (RFC 5426, default) or <c>tcp</c> (RFC 6587 octet counting).</summary>
    public string Protocol { get; set; } = "udp";

    /// <summary>Syslog: APP-NAME (printable ASCII, at most 48 characters).</summary>
    public string AppName { get; set; } = "stepup";

    /// <summary>Syslog: facility name (<c>authpriv</c>, <c>local0</c>, …) or code 0–23; default <c>authpriv</c>.</summary>
    public string Facility { get; set; } = "authpriv";

    /// <summary>Syslog: start MSG with the UTF-8 BOM as RFC 5424 asks (default); turn off for receivers that keep it in the text.</summary>
    public bool Utf8Bom { get; set; } = true;
}
