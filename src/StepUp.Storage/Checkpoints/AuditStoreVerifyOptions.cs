using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;

namespace StepUp.Storage.Checkpoints;

/// <summary>What <see cref="AuditStoreVerifier"/> checks beyond the chain itself.</summary>
public sealed record AuditStoreVerifyOptions
{
    /// <summary>First seq to check: 1 for the whole chain, or where a pruned chain starts.</summary>
    public long FromSeq { get; init; } = 1;

    /// <summary>The hash the first checked event must link to (genesis for seq 1; a checkpoint's hash after pruning; null to trust it).</summary>
    public string? ExpectedPrevHash { get; init; } = AuditChain.GenesisHash;

    /// <summary>Audit keys to verify checkpoints with (the caller keeps ownership); null means the store's own audit keys.</summary>
    public CheckpointKeyRing? Keys { get; init; }

    /// <summary>Checkpoints (from an anchor file) that must be in the chain unchanged.</summary>
    public IReadOnlyList<CheckpointAnchor> Anchors { get; init; } = [];

    /// <summary>Told the seq of each verified event (for progress output on long runs).</summary>
    public IProgress<long>? Progress { get; init; }
}
