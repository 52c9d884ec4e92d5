using System.Globalization;
using StepUp.Core.Audit.Checkpoints;

namespace StepUp.Core.Audit;

/// <summary>
/// Streaming chain verifier: feed events in seq order; it checks seq continuity, the
/// <c>prev_hash</c> links, each payload digest (except for erased events), each hash and each
/// <c>audit.checkpoint</c> (its signature and the seq/hash it covers), and stops at the first
/// problem. With anchors (checkpoints kept outside the database), <see cref="Complete"/> also
/// catches a chain that ends before an anchored checkpoint. Memory use does not grow with the chain.
/// </summary>
public sealed class AuditChainVerifier
{
    private readonly CheckpointKeyRing _keys;
    private readonly CheckpointAnchor[] _anchors;
    private readonly RecentHashes _recent = new();
    private long _expectedSeq;
    private string? _expectedPrevHash;
    private long _verified;
    private long? _firstBadSeq;
    private string? _reason;
    private string? _detail;
    private long _checkpointsVerified;
    private AuditCheckpoint? _lastCheckpoint;
    private int _nextAnchor;
    private long _anchorsVerified;
    private bool _completed;

    /// <summary>Starts a verification at <paramref name="firstSeq"/> that knows no checkpoint key (any checkpoint fails as <c>checkpoint_unknown_key</c>).</summary>
    /// <param name="firstSeq">The seq the first event must have (1 for a whole chain).</param>
    /// <param name="expectedPrevHash">
    /// The <c>prev_hash</c> the first event must carry: <see cref="AuditChain.GenesisHash"/> for a whole
    /// chain, a checkpoint's hash after pruning, or null to take the first event's word for it.
    /// </param>
    public AuditChainVerifier(long firstSeq = 1, string? expectedPrevHash = AuditChain.GenesisHash)
        : this(firstSeq, expectedPrevHash, null)
    {
    }

    /// <summary>Starts a verification that checks checkpoint signatures with <paramref name="checkpointKeys"/>.</summary>
    /// <param name="firstSeq">The seq the first event must have (1 for a whole chain).</param>
    /// <param name="expectedPrevHash">See <see cref="AuditChainVerifier(long, string)"/>.</param>
    /// <param name="checkpointKeys">The trusted audit keys (the caller keeps ownership); null knows none.</param>
    /// <param name="anchors">Checkpoints that must be in the chain unchanged; those before <paramref name="firstSeq"/> are skipped.</param>
    public AuditChainVerifier(long firstSeq, string? expectedPrevHash, CheckpointKeyRing? checkpointKeys, IEnumerable<CheckpointAnchor>? anchors = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSeq, 1);
        _expectedSeq = firstSeq;
        _expectedPrevHash = expectedPrevHash;
        _keys = checkpointKeys ?? CheckpointKeyRing.Empty();
        _anchors = anchors?.OrderBy(a => a.Seq).ToArray() ?? [];
        if (expectedPrevHash is not null)
        {
            _recent.Add(firstSeq - 1, expectedPrevHash);
        }
    }

    /// <summary>True once a problem was found; later events are ignored.</summary>
    public bool Failed => _reason is not null;

    /// <summary>The hash of the last verified event (the expected <c>prev_hash</c> of the next).</summary>
    public string? LastHash => _expectedPrevHash;

    /// <summary>The verification so far (call <see cref="Complete"/> at the end of the chain to check anchors past it).</summary>
    public AuditVerification Result => new(!Failed, _verified, _expectedSeq - 1, _firstBadSeq, _reason)
    {
        CheckpointsVerified = _checkpointsVerified,
        LastCheckpoint = _lastCheckpoint,
        AnchorsVerified = _anchorsVerified,
        Detail = _detail,
    };

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
                digest = evt.StoredPayloadUtf8 is { } stored
                    ? AuditChain.PayloadDigest(stored)
                    : AuditChain.PayloadDigest(evt.Payload);
            }
            catch (ArgumentException)
            {
                // A payload with no canonical form (1e400, a lone surrogate) cannot have been appended.
                return Fail(AuditVerificationReasons.MalformedEvent);
            }

            if (!string.Equals(digest, evt.PayloadDigest, StringComparison.Ordinal))
            {
                return Fail(IsUnreadable(evt) ? AuditVerificationReasons.MalformedEvent : AuditVerificationReasons.PayloadDigestMismatch);
            }
        }

        if (!string.Equals(AuditChain.Hash(evt), evt.Hash, StringComparison.Ordinal))
        {
            return Fail(AuditVerificationReasons.HashMismatch);
        }

        if (!evt.Erased && string.Equals(evt.Type, AuditEventTypes.AuditCheckpoint, StringComparison.Ordinal) && !CheckCheckpoint(evt))
        {
            return false;
        }

        if (!CheckAnchors(evt))
        {
            return false;
        }

        _recent.Add(evt.Seq, evt.Hash);
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

    /// <summary>
    /// Ends the verification: an anchored checkpoint beyond the last event means the chain lost its
    /// tail (<c>anchor_missing</c>, reported at the first missing seq). Returns <see cref="Result"/>.
    /// </summary>
    public AuditVerification Complete()
    {
        if (_completed || Failed)
        {
            _completed = true;
            return Result;
        }

        _completed = true;
        if (_nextAnchor < _anchors.Length)
        {
            var anchor = _anchors[_nextAnchor];
            // A forged or damaged anchor line is reported as what it is, not as a truncated chain.
            var status = CheckpointJws.Verify(anchor.Jws, _keys, out var statement);
            if (status != CheckpointSignatureStatus.Valid)
            {
                Fail(SignatureReason(status), Invariant($"the anchored checkpoint at seq {anchor.Seq} has {Describe(status, anchor.Jws)}"));
            }
            else if (statement!.Seq != anchor.CheckpointSeq || !string.Equals(statement.Hash, anchor.CheckpointHash, StringComparison.Ordinal))
            {
                Fail(AuditVerificationReasons.CheckpointMismatch, Invariant($"the anchored checkpoint at seq {anchor.Seq} signs other values than its checkpoint_seq/checkpoint_hash"));
            }
            else
            {
                Fail(AuditVerificationReasons.AnchorMissing, Invariant(
                    $"the chain ends at seq {_expectedSeq - 1}, but the anchor file holds a checkpoint at seq {anchor.Seq} (covering seq {anchor.CheckpointSeq}, signed {AuditTime.ToText(statement.Time)})"));
            }
        }

        return Result;
    }

    private bool CheckCheckpoint(AuditEvent evt)
    {
        if (!AuditCheckpoint.TryReadEventPayload(evt.Payload, out var seq, out var hash, out var jws))
        {
            return Fail(AuditVerificationReasons.CheckpointMismatch, "the checkpoint lacks checkpoint_seq, checkpoint_hash or jws");
        }

        var status = CheckpointJws.Verify(jws, _keys, out var statement);
        if (status != CheckpointSignatureStatus.Valid)
        {
            return Fail(SignatureReason(status), "the checkpoint has " + Describe(status, jws));
        }

        if (statement!.Seq != seq || !string.Equals(statement.Hash, hash, StringComparison.Ordinal))
        {
            return Fail(AuditVerificationReasons.CheckpointMismatch, Invariant(
                $"its JWS signs seq {statement.Seq}, hash {statement.Hash}, not its checkpoint_seq {seq}, checkpoint_hash {hash}"));
        }

        if (seq >= evt.Seq)
        {
            return Fail(AuditVerificationReasons.CheckpointMismatch, Invariant($"it claims to cover seq {seq}, which is not before it"));
        }

        switch (_recent.Compare(seq, hash))
        {
            case RecentHashes.Match.Different:
                return Fail(AuditVerificationReasons.CheckpointMismatch, Invariant(
                    $"it signs hash {hash} for seq {seq}, but the chain's event {seq} has another hash: the chain was rewritten before it"));
            case RecentHashes.Match.Unavailable:
                return Fail(AuditVerificationReasons.CheckpointMismatch, Invariant(
                    $"it covers seq {seq}, more than {RecentHashes.Window} events back"));
            case RecentHashes.Match.BeforeStart:
                // Before where this verification started (a pruned chain): the signature still counts.
            case RecentHashes.Match.Same:
            default:
                break;
        }

        _checkpointsVerified++;
        _lastCheckpoint = statement;
        return true;
    }

    private bool CheckAnchors(AuditEvent evt)
    {
        // Anchors before this event's seq were before where verification started; they cannot be checked here.
        while (_nextAnchor < _anchors.Length && _anchors[_nextAnchor].Seq < evt.Seq)
        {
            _nextAnchor++;
        }

        while (_nextAnchor < _anchors.Length && _anchors[_nextAnchor].Seq == evt.Seq)
        {
            var anchor = _anchors[_nextAnchor];
            if (!string.Equals(anchor.Hash, evt.Hash, StringComparison.Ordinal))
            {
                return Fail(AuditVerificationReasons.AnchorMismatch, Invariant(
                    $"the anchor file holds a checkpoint at seq {anchor.Seq} with hash {anchor.Hash}, but the chain's event {evt.Seq} ({evt.Type}) has hash {evt.Hash}: the chain was rewritten"));
            }

            _anchorsVerified++;
            _nextAnchor++;
        }

        return true;
    }

    private static string SignatureReason(CheckpointSignatureStatus status) => status == CheckpointSignatureStatus.UnknownKey
        ? AuditVerificationReasons.CheckpointUnknownKey
        : AuditVerificationReasons.CheckpointSignatureInvalid;

    private static string Describe(CheckpointSignatureStatus status, string jws) => status == CheckpointSignatureStatus.UnknownKey
        ? $"a signature by key '{CheckpointJws.TryGetKid(jws) ?? "?"}', which is not a known audit key"
        : "a malformed JWS or a signature that does not verify";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private bool Fail(string reason, string? detail = null)
    {
        _firstBadSeq = _expectedSeq;
        _reason = reason;
        _detail = detail;
        return false;
    }

    /// <summary>Whether a stored payload is not even JSON (told apart only once its digest failed).</summary>
    private static bool IsUnreadable(AuditEvent evt)
    {
        try
        {
            _ = evt.Payload;
            return false;
        }
        catch (AuditEventFormatException)
        {
            return true;
        }
    }
}
