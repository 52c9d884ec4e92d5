namespace StepUp.Storage;

/// <summary>
/// Tells in-process readers (live stream, sinks, checkpoints) that new events were committed, so
/// they read them from the store instead of polling. Events are always read from the store: the
/// feed only says "there is more after seq N".
/// </summary>
public interface IAuditFeed
{
    /// <summary>The highest seq this process knows to be committed.</summary>
    long CommittedSeq { get; }

    /// <summary>Completes once <see cref="CommittedSeq"/> is greater than <paramref name="afterSeq"/>.</summary>
    Task WaitForCommitAsync(long afterSeq, CancellationToken cancellationToken = default);
}
