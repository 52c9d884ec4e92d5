namespace StepUp.Server.Hosting;

/// <summary><c>StepUp:Audit</c>: checkpoints, sinks and retention of the audit trail.</summary>
public sealed class AuditOptions
{
    /// <summary>
    /// Optional external file every checkpoint event is also appended to, one JSON line each, fsync'd:
    /// the anchor for <c>stepup audit verify --anchor</c>. Keep it (or a copy) off the database host.
    /// </summary>
    public string? CheckpointFile { get; set; }

    /// <summary>Write a checkpoint after this many events (at least 1).</summary>
    public int CheckpointEvery { get; set; } = 1000;

    /// <summary>Write a checkpoint at least this often while events arrive (at least 1 s); also at shutdown.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Audit sinks (webhook, syslog), each filtered by event type.</summary>
    public List<AuditSinkOptions> Sinks { get; set; } = [];

    /// <summary>Payload retention per event type.</summary>
    public RetentionOptions Retention { get; set; } = new();
}
