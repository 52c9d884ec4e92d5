using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>
/// Reads the audit chain forward (oldest first) with the filters of <see cref="AuditQuery"/>: exports
/// and the live stream. Reads go in short chunks, so an enumeration of any length uses constant
/// memory and holds no long read transaction.
/// </summary>
public interface IAuditForwardReader
{
    /// <summary>
    /// Every event with <paramref name="afterSeq"/> &lt; seq ≤ <paramref name="throughSeq"/> that matches
    /// <paramref name="filter"/> (every filter of <see cref="AuditQuery"/> including <c>Since</c>/<c>Until</c>;
    /// <c>Limit</c> and <c>Cursor</c> are ignored), in seq order.
    /// </summary>
    /// <exception cref="AuditEventFormatException">A stored row cannot be read as an event (during enumeration).</exception>
    IAsyncEnumerable<AuditEvent> ReadForwardAsync(AuditQuery filter, long afterSeq, long throughSeq, CancellationToken cancellationToken = default);
}
