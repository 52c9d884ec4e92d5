namespace StepUp.Storage.Sqlite;

/// <summary>Tuning of <see cref="SqliteAuditAppender"/>.</summary>
public sealed class SqliteAuditAppenderOptions
{
    /// <summary>Append calls that may wait for the writer; further callers wait for room (nothing is dropped). Default 4096.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Most events written in one transaction (one fsync). A single call with more events still commits alone and whole. Default 512.</summary>
    public int MaxBatchSize { get; set; } = 512;
}
