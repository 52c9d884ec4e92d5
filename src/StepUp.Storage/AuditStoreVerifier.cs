using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>Verifies the whole stored chain (<c>GET /v1/audit/verify</c>, <c>stepup audit verify</c>) by streaming it.</summary>
public sealed class AuditStoreVerifier
{
    private readonly IAuditReader _reader;

    public AuditStoreVerifier(IAuditReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
    }

    /// <summary>Checks every stored event from seq 1 (or from <paramref name="fromSeq"/> with a known previous hash).</summary>
    /// <param name="fromSeq">First seq to check: 1 for the whole chain, or where a pruned chain starts.</param>
    /// <param name="expectedPrevHash">The hash the first checked event must link to (genesis for seq 1; a checkpoint's hash after pruning; null to trust it).</param>
    /// <param name="progress">Told the seq of each verified event (for progress output on long runs).</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    public async Task<AuditVerification> VerifyAsync(long fromSeq = 1, string? expectedPrevHash = AuditChain.GenesisHash, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var verifier = new AuditChainVerifier(fromSeq, expectedPrevHash);
        try
        {
            await foreach (var evt in _reader.ReadRangeAsync(fromSeq, cancellationToken))
            {
                if (!verifier.Add(evt))
                {
                    break;
                }

                progress?.Report(evt.Seq);
            }
        }
        catch (AuditEventFormatException ex)
        {
            // An unreadable row is a verification result (malformed_event, or the gap before it), not a crash.
            verifier.AddMalformed(ex.Seq);
        }

        return verifier.Result;
    }
}
