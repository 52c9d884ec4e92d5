using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>Reads the audit chain: filtered pages for the API, ranges for export and verification.</summary>
public interface IAuditReader
{
    /// <summary>One page of events matching <paramref name="query"/>, newest first.</summary>
    /// <exception cref="InvalidAuditQueryException">Limit out of 1..1000 or a malformed cursor (HTTP 400).</exception>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every stored event with seq ≥ <paramref name="fromSeq"/>, oldest first, streamed in chunks
    /// (constant memory, no long-lived read transaction).
    /// </summary>
    /// <exception cref="AuditEventFormatException">A stored row cannot be read as an event (during enumeration).</exception>
    IAsyncEnumerable<AuditEvent> ReadRangeAsync(long fromSeq, CancellationToken cancellationToken = default);

    /// <summary>The last event's seq and hash; seq 0 and the genesis hash when the chain is empty.</summary>
    Task<AuditHead> GetHeadAsync(CancellationToken cancellationToken = default);
}
