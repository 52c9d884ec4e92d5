using System.Collections.Concurrent;
using StepUp.Core.Audit;
using StepUp.Storage;

namespace StepUp.Server.Risk;

/// <summary>
/// The appender the server uses. With several nodes on one database (<paramref name="tracking"/>)
/// it remembers the ids of the events this node writes — before they are written, so the feed can
/// never see one first — and <see cref="DetectorFeed"/> counts only the other nodes' failures,
/// triggers and alerts (this node's own were counted when they happened).
/// </summary>
internal sealed class LocalAuditAppender(IAuditAppender inner, bool tracking, TimeProvider time) : IAuditAppender
{
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _local = new(StringComparer.Ordinal);

    /// <summary>True (once) when this node wrote the event with <paramref name="id"/>.</summary>
    public bool TakeLocal(string id) => _local.TryRemove(id, out _);

    /// <summary>Forgets ids older than a few minutes (events of a followed type the feed never saw, e.g. a failed commit).</summary>
    public void ForgetOld()
    {
        var before = time.GetUtcNow() - Keep;
        foreach (var (id, at) in _local)
        {
            if (at < before)
            {
                _local.TryRemove(id, out _);
            }
        }
    }

    public Task<AuditEvent> AppendAsync(AuditEventDraft draft, CancellationToken cancellationToken = default) =>
        inner.AppendAsync(Track(draft), cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> AppendAsync(IReadOnlyList<AuditEventDraft> drafts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (!tracking)
        {
            return inner.AppendAsync(drafts, cancellationToken);
        }

        var tracked = new AuditEventDraft[drafts.Count];
        for (var i = 0; i < tracked.Length; i++)
        {
            tracked[i] = Track(drafts[i]);
        }

        return inner.AppendAsync(tracked, cancellationToken);
    }

    private AuditEventDraft Track(AuditEventDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (!tracking || !DetectorFeed.Follows(draft.Type))
        {
            return draft;
        }

        var withId = draft.Id is null ? new AuditEventDraft { Type = draft.Type, Id = Core.Audit.EventId.New(time), Payload = draft.Payload } : draft;
        _local[withId.Id!] = time.GetUtcNow();
        return withId;
    }
}
