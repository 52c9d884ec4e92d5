using System.Collections.Concurrent;
using StepUp.Core.Audit;
using StepUp.Storage;

namespace StepUp.Server.Risk;

/// <summary>
/// The appender the server uses. With several nodes on one database (<paramref name="tracking"/>)
/// it remembers which seqs this node wrote, so <see cref="DetectorFeed"/> counts only the other
/// nodes' failures, triggers and alerts (this node's own were counted when they happened).
/// </summary>
internal sealed class LocalAuditAppender(IAuditAppender inner, bool tracking) : IAuditAppender
{
    private readonly ConcurrentDictionary<long, byte> _local = new();

    /// <summary>True (once) when this node appended <paramref name="seq"/>.</summary>
    public bool TakeLocal(long seq) => _local.TryRemove(seq, out _);

    /// <summary>Forgets seqs the feed has passed (an event of a type the feed skips is never taken).</summary>
    public void ForgetUpTo(long seq)
    {
        foreach (var key in _local.Keys)
        {
            if (key <= seq)
            {
                _local.TryRemove(key, out _);
            }
        }
    }

    public async Task<AuditEvent> AppendAsync(AuditEventDraft draft, CancellationToken cancellationToken = default)
    {
        var evt = await inner.AppendAsync(draft, cancellationToken);
        Remember(evt);
        return evt;
    }

    public async Task<IReadOnlyList<AuditEvent>> AppendAsync(IReadOnlyList<AuditEventDraft> drafts, CancellationToken cancellationToken = default)
    {
        var events = await inner.AppendAsync(drafts, cancellationToken);
        foreach (var evt in events)
        {
            Remember(evt);
        }

        return events;
    }

    private void Remember(AuditEvent evt)
    {
        if (tracking && DetectorFeed.Follows(evt.Type))
        {
            _local[evt.Seq] = 0;
        }
    }
}
