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
public sealed record AuditVerification(bool Ok, long EventsVerified, long LastSeq, long? FirstBadSeq, string? Reason);

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
}
