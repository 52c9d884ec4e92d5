namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Audit</c>: checkpoints, sinks and retention of the audit trail.</summary>
public sealed class AuditOptions
{
    /// <summary>Optional external file every checkpoint is also appended to (an anchor for <c>audit verify --anchor</c>).</summary>
    public string? CheckpointFile { get; set; }

    /// <summary>Write a checkpoint after this many events.</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>Write a checkpoint at least this often while events arrive.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Audit sinks (webhook, syslog), each filtered by event type.</summary>
    public List<AuditSinkOptions> Sinks { get; set; } = [];

    /// <summary>Payload retention per event type.</summary>
    public RetentionOptions Retention { get; set; } = new();
}
