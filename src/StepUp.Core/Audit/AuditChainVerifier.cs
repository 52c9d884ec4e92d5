namespace StepUp.Core.Audit;

/// <summary>
/// Streaming chain verifier: feed events in seq order; it checks seq continuity, the
/// <c>prev_hash</c> links, each payload digest (except for erased events) and each hash, and stops
/// at the first problem. Memory use does not grow with the chain.
/// </summary>
public sealed class AuditChainVerifier
{
    private long _expectedSeq;
    private string? _expectedPrevHash;
    private long _verified;
    private long? _firstBadSeq;
    private string? _reason;

    /// <summary>Starts a verification at <paramref name="firstSeq"/>.</summary>
    /// <param name="firstSeq">The seq the first event must have (1 for a whole chain).</param>
    /// <param name="expectedPrevHash">
    /// The <c>prev_hash</c> the first event must carry: <see cref="AuditChain.GenesisHash"/> for a whole
    /// chain, a checkpoint's hash after pruning, or null to take the first event's word for it.
    /// </param>
    public AuditChainVerifier(long firstSeq = 1, string? expectedPrevHash = AuditChain.GenesisHash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSeq, 1);
        _expectedSeq = firstSeq;
        _expectedPrevHash = expectedPrevHash;
    }

    /// <summary>True once a problem was found; later events are ignored.</summary>
    public bool Failed => _reason is not null;

    /// <summary>The hash of the last verified event (the expected <c>prev_hash</c> of the next).</summary>
    public string? LastHash => _expectedPrevHash;

    /// <summary>The verification so far.</summary>
    public AuditVerification Result => new(!Failed, _verified, _expectedSeq - 1, _firstBadSeq, _reason);

    /// <summary>Checks the next event; returns false (and stops) when it does not verify.</summary>
    public bool Add(AuditEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (Failed)
        {
            return false;
        }

        if (evt.Seq != _expectedSeq)
        {
            return Fail(AuditVerificationReasons.SeqGap);
        }

        if (_expectedPrevHash is not null && !string.Equals(evt.PrevHash, _expectedPrevHash, StringComparison.Ordinal))
        {
            return Fail(AuditVerificationReasons.PrevHashMismatch);
        }

        if (!evt.Erased)
        {
            string digest;
            try
            {
                digest = AuditChain.PayloadDigest(evt.Payload);
            }
            catch (ArgumentException)
            {
                // A payload with no canonical form (1e400, a lone surrogate) cannot have been appended.
                return Fail(AuditVerificationReasons.MalformedEvent);
            }

            if (!string.Equals(digest, evt.PayloadDigest, StringComparison.Ordinal))
            {
                return Fail(AuditVerificationReasons.PayloadDigestMismatch);
            }
        }

        if (!string.Equals(AuditChain.Hash(evt), evt.Hash, StringComparison.Ordinal))
        {
            return Fail(AuditVerificationReasons.HashMismatch);
        }

        _expectedPrevHash = evt.Hash;
        _expectedSeq++;
        _verified++;
        return true;
    }

    /// <summary>Records that the next event could not be read; verification stops there.</summary>
    /// <param name="seq">The unreadable event's seq when known: if it is not the expected one, the gap before it is reported instead.</param>
    public void AddMalformed(long? seq = null)
    {
        if (!Failed)
        {
            Fail(seq is { } s && s != _expectedSeq ? AuditVerificationReasons.SeqGap : AuditVerificationReasons.MalformedEvent);
        }
    }

    private bool Fail(string reason)
    {
        _firstBadSeq = _expectedSeq;
        _reason = reason;
        return false;
    }
}
