namespace StepUp.Storage.Retention;

/// <summary>
/// Erasure of audit payloads (privacy requests, retention) and legal holds. Erasure keeps every
/// envelope, so the hash chain still verifies; it never deletes rows.
/// </summary>
public interface IAuditRetention
{
    /// <summary>Erases the payload of every event of one subject; refused under a legal hold.</summary>
    /// <returns>How many events were erased.</returns>
    /// <exception cref="LegalHoldException">A hold covers everything or this subject.</exception>
    Task<long> EraseSubjectAsync(string subjectId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases payloads of events of <paramref name="type"/> (null: every type not in
    /// <paramref name="exceptTypes"/>) older than <paramref name="before"/>, skipping held subjects.
    /// Does nothing under a hold on everything. Audit meta-events (checkpoints, erasures) are kept.
    /// </summary>
    Task<long> EraseOlderThanAsync(string? type, IReadOnlyCollection<string> exceptTypes, DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes whole events as a prefix ending at the latest checkpoint written before
    /// <paramref name="before"/>: every event up to the seq that checkpoint signed. The checkpoint
    /// itself stays, so the remaining chain verifies from there. Refused under any legal hold.
    /// </summary>
    /// <exception cref="LegalHoldException">A legal hold exists.</exception>
    Task<PruneResult> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Where the stored chain starts after pruning: the last deleted seq and its hash; null when never pruned.</summary>
    Task<(long Seq, string Hash)?> PrunedThroughAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<LegalHold>> ListHoldsAsync(CancellationToken cancellationToken = default);

    /// <summary>Places a hold on everything (<paramref name="subjectId"/> null) or one subject.</summary>
    Task PlaceHoldAsync(string? subjectId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Lifts a hold; returns false when there was none.</summary>
    Task<bool> LiftHoldAsync(string? subjectId, CancellationToken cancellationToken = default);
}
