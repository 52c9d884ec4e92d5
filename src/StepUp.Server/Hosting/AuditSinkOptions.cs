namespace StepUp.Server.Hosting;

/// <summary>One audit sink under <c>StepUp:Audit:Sinks:N</c>.</summary>
public sealed class AuditSinkOptions
{
    /// <summary>Unique name; delivery state is kept under it.</summary>
    public string Name { get; set; } = string.Empty;
}
