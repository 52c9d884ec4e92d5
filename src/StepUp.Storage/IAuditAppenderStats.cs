namespace StepUp.Storage;

/// <summary>Live figures of an audit appender, for <c>/metrics</c>.</summary>
public interface IAuditAppenderStats
{
    /// <summary>Append calls waiting to be written.</summary>
    int QueueDepth { get; }

    /// <summary>Duration of the most recent commit (transaction and fsync).</summary>
    TimeSpan LastCommitLatency { get; }

    /// <summary>Transactions committed since start (each holds one or more events).</summary>
    long Commits { get; }

    /// <summary>Events committed since start.</summary>
    long EventsAppended { get; }

    /// <summary>
    /// Called with each successful commit's duration (for a latency histogram), on the writer's
    /// thread: it must be quick and must not throw. <see langword="null"/> by default.
    /// </summary>
    Action<TimeSpan>? CommitObserved { get; set; }
}
