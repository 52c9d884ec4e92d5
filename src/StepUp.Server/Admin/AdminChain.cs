using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Storage;
using StepUp.Core.Security;
using StepUp.Storage.Keys;

namespace StepUp.Server.Admin;

/// <summary>A signed checkpoint as the dashboard shows it: what it covers and whether its signature verifies.</summary>
public sealed record CheckpointView(long EventSeq, long CoveredSeq, string Hash, DateTimeOffset Time, string Kid, CheckpointSignatureStatus Signature, bool MatchesStoredHash);

/// <summary>
/// The chain proof of one event: whether its own digest and hash recompute, whether it links to the
/// event before it, the first signed checkpoint at or after it, and whether every link from the
/// event up to that checkpoint holds (when at most <see cref="AdminChain.MaxLinks"/> events apart).
/// </summary>
public sealed record ChainProof(AuditEvent Event, bool? DigestOk, bool HashOk, bool PrevLinkOk, CheckpointView? Checkpoint, long? LinksChecked, bool? LinksOk, AuditHead Head);

/// <summary>Chain facts for the overview and the event detail, without a full verification scan.</summary>
internal sealed class AdminChain(IAuditReader reader, IAuditForwardReader forward, ISigningKeyStore keys)
{
    /// <summary>The most links the event page checks between an event and its checkpoint.</summary>
    public const int MaxLinks = 10_000;

    public Task<AuditHead> HeadAsync(CancellationToken cancellationToken) => reader.GetHeadAsync(cancellationToken);

    /// <summary>The newest checkpoint, checked.</summary>
    public async Task<CheckpointView?> LastCheckpointAsync(CancellationToken cancellationToken)
    {
        var page = await reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.AuditCheckpoint, Limit = 1 }, cancellationToken);
        return page.Events.Count == 0 ? null : await CheckAsync(page.Events[0], cancellationToken);
    }

    public async Task<ChainProof?> ProofAsync(long seq, CancellationToken cancellationToken)
    {
        if (seq < 1)
        {
            return null;
        }

        // The event before it (for the link) and the event itself.
        AuditEvent? previous = null, evt = null;
        await foreach (var e in reader.ReadRangeAsync(Math.Max(1, seq - 1), cancellationToken))
        {
            if (e.Seq == seq)
            {
                evt = e;
                break;
            }

            if (e.Seq > seq)
            {
                break;
            }

            previous = e;
        }

        if (evt is null)
        {
            return null;
        }

        var head = await reader.GetHeadAsync(cancellationToken);
        var expectedPrev = seq == 1 ? AuditChain.GenesisHash : previous?.Hash;

        // The first checkpoint event after it that covers it (a checkpoint names the head it signed).
        AuditEvent? covering = null;
        await foreach (var candidate in forward.ReadForwardAsync(new AuditQuery { Type = AuditEventTypes.AuditCheckpoint }, seq, head.Seq, cancellationToken))
        {
            if (Covered(candidate) is { } covered && covered >= seq)
            {
                covering = candidate;
                break;
            }
        }

        var checkpoint = covering is null ? null : await CheckAsync(covering, cancellationToken);
        long? linksChecked = null;
        bool? linksOk = null;
        if (checkpoint is { CoveredSeq: var through } && through - seq <= MaxLinks)
        {
            (linksChecked, linksOk) = await LinksAsync(seq, through, cancellationToken);
        }

        return new ChainProof(evt, DigestOk(evt), Recomputes(evt), evt.PrevHash == expectedPrev, checkpoint, linksChecked, linksOk, head);
    }

    // Every event from seq to through: its digest and hash recompute and it names the one before.
    private async Task<(long Checked, bool Ok)> LinksAsync(long seq, long through, CancellationToken cancellationToken)
    {
        long count = 0;
        string? prevHash = null;
        await foreach (var e in reader.ReadRangeAsync(seq, cancellationToken))
        {
            if (e.Seq > through)
            {
                break;
            }

            count++;
            if ((prevHash is not null && e.PrevHash != prevHash) || !Recomputes(e) || DigestOk(e) == false)
            {
                return (count, false);
            }

            prevHash = e.Hash;
        }

        return (count, count == through - seq + 1);
    }

    private static bool Recomputes(AuditEvent evt) =>
        AuditChain.Hash(evt.Seq, evt.Id, evt.Time, evt.Type, evt.PrevHash, evt.PayloadDigest) == evt.Hash;

    private static bool? DigestOk(AuditEvent evt)
    {
        if (evt.Erased || evt.StoredPayloadUtf8 is not { } stored)
        {
            return null; // an erased payload keeps only its digest
        }

        return AuditChain.PayloadDigest(stored) == evt.PayloadDigest;
    }

    private async Task<CheckpointView?> CheckAsync(AuditEvent checkpointEvent, CancellationToken cancellationToken)
    {
        var jws = (checkpointEvent.Payload[AuditCheckpoint.JwsField] as JsonValue)?.GetValue<string>();
        var listed = await keys.ListAsync(SigningKeyPurposes.Audit, cancellationToken);
        using var ring = new CheckpointKeyRing(listed.Select(k => k.PublicKey));
        var status = CheckpointJws.Verify(jws, ring, out var signed);
        if (signed is null)
        {
            return new CheckpointView(checkpointEvent.Seq, Covered(checkpointEvent) ?? 0, string.Empty, checkpointEvent.Time, CheckpointJws.TryGetKid(jws) ?? "?", status, false);
        }

        // The signed hash must be the stored hash of the event it names.
        var matches = false;
        await foreach (var e in reader.ReadRangeAsync(signed.Seq, cancellationToken))
        {
            matches = e.Seq == signed.Seq && e.Hash == signed.Hash;
            break;
        }

        return new CheckpointView(checkpointEvent.Seq, signed.Seq, signed.Hash, signed.Time, CheckpointJws.TryGetKid(jws) ?? "?", status, matches);
    }

    private static long? Covered(AuditEvent checkpointEvent) =>
        checkpointEvent.Payload[AuditCheckpoint.SeqField] is JsonValue value && value.TryGetValue<long>(out var seq) ? seq : null;
}
