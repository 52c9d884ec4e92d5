namespace StepUp.Server.Audit.Stream;

/// <summary><c>StepUp:Audit:Stream</c>: the live tail (<c>GET /v1/audit/stream</c>).</summary>
public sealed class AuditStreamOptions
{
    public const string Section = "StepUp:Audit:Stream";

    /// <summary>How often an idle stream sends a comment line, so proxies and clients see it alive (default 15 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}
