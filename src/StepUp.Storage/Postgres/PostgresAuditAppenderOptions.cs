namespace StepUp.Storage.Postgres;

/// <summary>Tuning of <see cref="PostgresAuditAppender"/>.</summary>
public sealed class PostgresAuditAppenderOptions
{
    /// <summary>Append calls that may wait for the writer; further callers wait for room (nothing is dropped). Default 4096.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Most events written in one transaction (one commit). A single call with more events still commits alone and whole. Default 512.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>
    /// How often, while someone waits in <see cref="IAuditFeed.WaitForCommitAsync"/>, the appender
    /// asks the database for commits made by other nodes. This node's own commits wake waiters at
    /// once. Default 250 ms.
    /// </summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a commit waits for the chain lock that another node holds (normally for
    /// milliseconds) before its callers get a <see cref="StorageUnavailableException"/>: a node that
    /// froze mid-commit then costs 503s, not a hang. Default 10 s.
    /// </summary>
    public TimeSpan ChainLockTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
