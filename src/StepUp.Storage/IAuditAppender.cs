using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>
/// Appends events to the audit chain. When a returned task completes, its events are durably
/// committed (fsync'd); concurrent callers share commits. There is no update and no delete.
/// </summary>
public interface IAuditAppender
{
    /// <summary>Appends one event and returns it as stored (seq, time and hashes assigned).</summary>
    /// <param name="draft">The event; the appender takes ownership of its payload.</param>
    /// <param name="cancellationToken">Cancels only while waiting for queue space; once queued the event is written.</param>
    /// <exception cref="ArgumentException">The draft is malformed (see <see cref="AuditEventDraft.ToCanonicalPayload"/>).</exception>
    Task<AuditEvent> AppendAsync(AuditEventDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Appends several events of one operation atomically, with consecutive seqs, in the given order.</summary>
    /// <inheritdoc cref="AppendAsync(AuditEventDraft, CancellationToken)"/>
    Task<IReadOnlyList<AuditEvent>> AppendAsync(IReadOnlyList<AuditEventDraft> drafts, CancellationToken cancellationToken = default);
}
