using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Storage.Checkpoints;
using StepUp.Storage.Keys;

namespace StepUp.Storage;

/// <summary>
/// Verifies the whole stored chain (<c>GET /v1/audit/verify</c>, <c>stepup audit verify</c>) by
/// streaming it: digests, hashes, seq continuity, and every checkpoint's signature and covered
/// seq/hash, with the store's audit keys unless others are given.
/// </summary>
public sealed class AuditStoreVerifier
{
    private readonly IAuditReader _reader;
    private readonly ISigningKeyStore? _keys;
    private readonly Retention.IAuditRetention? _retention;

    /// <summary>
    /// A verifier over <paramref name="reader"/> that takes checkpoint keys from <paramref name="keys"/>
    /// (none when null) and, given <paramref name="retention"/>, starts a pruned chain where it now begins.
    /// </summary>
    public AuditStoreVerifier(IAuditReader reader, ISigningKeyStore? keys = null, Retention.IAuditRetention? retention = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _keys = keys;
        _retention = retention;
    }

    /// <summary>Checks every stored event from seq 1 (or from <paramref name="fromSeq"/> with a known previous hash).</summary>
    /// <param name="fromSeq">First seq to check: 1 for the whole chain, or where a pruned chain starts.</param>
    /// <param name="expectedPrevHash">The hash the first checked event must link to (genesis for seq 1; a checkpoint's hash after pruning; null to trust it).</param>
    /// <param name="progress">Told the seq of each verified event (for progress output on long runs).</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    public Task<AuditVerification> VerifyAsync(long fromSeq = 1, string? expectedPrevHash = AuditChain.GenesisHash, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        VerifyAsync(new AuditStoreVerifyOptions { FromSeq = fromSeq, ExpectedPrevHash = expectedPrevHash, Progress = progress }, cancellationToken);

    /// <summary>Checks the stored chain with explicit keys and anchors.</summary>
    public async Task<AuditVerification> VerifyAsync(AuditStoreVerifyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FromSeq == 1 && options.ExpectedPrevHash == AuditChain.GenesisHash && _retention is not null &&
            await _retention.PrunedThroughAsync(cancellationToken) is { } pruned)
        {
            // A pruned chain starts after the pruned prefix, linked to the hash its checkpoint signed.
            options = options with { FromSeq = pruned.Seq + 1, ExpectedPrevHash = pruned.Hash };
        }

        using var storeKeys = options.Keys is null ? await LoadKeysAsync(cancellationToken) : null;
        var verifier = new AuditChainVerifier(options.FromSeq, options.ExpectedPrevHash, options.Keys ?? storeKeys, options.Anchors);
        try
        {
            await foreach (var evt in _reader.ReadRangeAsync(options.FromSeq, cancellationToken))
            {
                if (!verifier.Add(evt))
                {
                    break;
                }

                options.Progress?.Report(evt.Seq);
            }
        }
        catch (AuditEventFormatException ex)
        {
            // An unreadable row is a verification result (malformed_event, or the gap before it), not a crash.
            verifier.AddMalformed(ex.Seq);
        }

        return verifier.Complete();
    }

    private async Task<CheckpointKeyRing> LoadKeysAsync(CancellationToken cancellationToken)
    {
        if (_keys is null)
        {
            return CheckpointKeyRing.Empty();
        }

        var keys = await _keys.ListAsync(SigningKeyPurposes.Audit, cancellationToken);
        return new CheckpointKeyRing(keys.Select(k => k.PublicKey));
    }
}
