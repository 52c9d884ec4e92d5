using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Storage;
using StepUp.Core.Security;
using StepUp.Storage.Keys;

namespace StepUp.Server.Admin;

/// <summary>A signed checkpoint as the dashboard shows it: what it covers and whether its signature verifies.</summary>
public sealed record CheckpointView(long EventSeq, long CoveredSeq, string Hash, DateTimeOffset Time, string Kid, CheckpointSignatureStatus Signature, bool MatchesStoredHash);

/// <summary>The chain proof of one event: its links and the first signed checkpoint at or after it.</summary>
public sealed record ChainProof(AuditEvent Event, CheckpointView? Checkpoint, AuditHead Head);

/// <summary>Chain facts for the overview and the event detail, without a full verification scan.</summary>
internal sealed class AdminChain(IAuditReader reader, ISigningKeyStore keys)
{
    private const int CheckpointScan = 1000;

    public Task<AuditHead> HeadAsync(CancellationToken cancellationToken) => reader.GetHeadAsync(cancellationToken);

    /// <summary>The newest checkpoint, checked.</summary>
    public async Task<CheckpointView?> LastCheckpointAsync(CancellationToken cancellationToken)
    {
        var page = await reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.AuditCheckpoint, Limit = 1 }, cancellationToken);
        return page.Events.Count == 0 ? null : await CheckAsync(page.Events[0], cancellationToken);
    }

    public async Task<ChainProof?> ProofAsync(long seq, CancellationToken cancellationToken)
    {
        AuditEvent? evt = null;
        await foreach (var e in reader.ReadRangeAsync(seq, cancellationToken))
        {
            evt = e.Seq == seq ? e : null;
            break;
        }

        if (evt is null)
        {
            return null;
        }

        // Checkpoints come newest first: the covering one is the oldest that still reaches the event.
        AuditEvent? covering = null;
        var page = await reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.AuditCheckpoint, Limit = CheckpointScan }, cancellationToken);
        foreach (var candidate in page.Events)
        {
            if (Covered(candidate) is { } covered && covered >= seq)
            {
                covering = candidate;
            }
        }

        return new ChainProof(evt, covering is null ? null : await CheckAsync(covering, cancellationToken), await reader.GetHeadAsync(cancellationToken));
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
