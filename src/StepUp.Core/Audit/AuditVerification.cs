namespace StepUp.Core.Audit;

/// <summary>
/// Outcome of verifying a run of the audit chain: how far it verified and, when not
/// <see cref="Ok"/>, the first <c>seq</c> that did not and why (a <see cref="AuditVerificationReasons"/> value).
/// </summary>
/// <param name="Ok">True when every event fed verified.</param>
/// <param name="EventsVerified">Events that verified.</param>
/// <param name="LastSeq">Seq of the last event that verified (the start seq − 1 when none did).</param>
/// <param name="FirstBadSeq">The seq where verification stopped: the expected seq that is missing, malformed or does not verify.</param>
/// <param name="Reason">Why it stopped; null when <see cref="Ok"/>.</param>
public sealed record AuditVerification(bool Ok, long EventsVerified, long LastSeq, long? FirstBadSeq, string? Reason)
{
    /// <summary>Checkpoints whose signature and covered seq/hash verified.</summary>
    public long CheckpointsVerified { get; init; }

    /// <summary>What the last verified checkpoint signed (the seq and hash it covers, and when); null when none.</summary>
    public Checkpoints.AuditCheckpoint? LastCheckpoint { get; init; }

    /// <summary>Anchored checkpoints (from an anchor file) found unchanged in the chain.</summary>
    public long AnchorsVerified { get; init; }

    /// <summary>A sentence on what exactly failed, for the checkpoint and anchor reasons; null otherwise.</summary>
    public string? Detail { get; init; }
}

/// <summary>Stable reason codes of <see cref="AuditVerification.Reason"/>.</summary>
public static class AuditVerificationReasons
{
    /// <summary>The next event's seq is not the previous seq + 1 (a deleted, duplicated or reordered event).</summary>
    public const string SeqGap = "seq_gap";

    /// <summary><c>prev_hash</c> is not the previous event's hash.</summary>
    public const string PrevHashMismatch = "prev_hash_mismatch";

    /// <summary>The payload no longer has the digest the event was chained with (an edited payload).</summary>
    public const string PayloadDigestMismatch = "payload_digest_mismatch";

    /// <summary>The envelope no longer hashes to its <c>hash</c> (an edited envelope).</summary>
    public const string HashMismatch = "hash_mismatch";

    /// <summary>The event could not be read at all.</summary>
    public const string MalformedEvent = "malformed_event";

    /// <summary>A checkpoint's <c>checkpoint_seq</c>/<c>checkpoint_hash</c> are not the chain's, or differ from what its JWS signs.</summary>
    public const string CheckpointMismatch = "checkpoint_mismatch";

    /// <summary>A checkpoint's JWS is malformed or its signature does not verify.</summary>
    public const string CheckpointSignatureInvalid = "checkpoint_signature_invalid";

    /// <summary>A checkpoint is signed by a key (<c>kid</c>) the verifier does not know as an audit key.</summary>
    public const string CheckpointUnknownKey = "checkpoint_unknown_key";

    /// <summary>An anchored checkpoint is beyond the end of the chain: the chain was truncated or rolled back.</summary>
    public const string AnchorMissing = "anchor_missing";

    /// <summary>The chain holds a different event where an anchored checkpoint was: the chain was rewritten.</summary>
    public const string AnchorMismatch = "anchor_mismatch";
}
