namespace StepUp.Storage.Retention;

/// <summary>What a prune deleted: <see cref="Count"/> events, through <see cref="ThroughSeq"/> (0 when nothing).</summary>
public sealed record PruneResult(long Count, long ThroughSeq, string? ThroughHash);
