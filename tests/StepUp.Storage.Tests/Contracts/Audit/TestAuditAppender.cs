using StepUp.Core.Audit;

namespace StepUp.Storage.Tests.Contracts.Audit;

/// <summary>Either provider's appender behind the interfaces the contract covers.</summary>
public sealed class TestAuditAppender : IAuditAppender, IAuditAppenderStats, IAuditFeed, IAsyncDisposable
{
    private readonly IAuditAppender _appender;
    private readonly IAuditAppenderStats _stats;
    private readonly IAuditFeed _feed;
    private readonly IAsyncDisposable _disposable;

    private TestAuditAppender(IAuditAppender appender, IAuditAppenderStats stats, IAuditFeed feed, IAsyncDisposable disposable)
    {
        _appender = appender;
        _stats = stats;
        _feed = feed;
        _disposable = disposable;
    }

    public static TestAuditAppender Wrap<T>(T appender)
        where T : IAuditAppender, IAuditAppenderStats, IAuditFeed, IAsyncDisposable => new(appender, appender, appender, appender);

    public int QueueDepth => _stats.QueueDepth;

    public TimeSpan LastCommitLatency => _stats.LastCommitLatency;

    public long Commits => _stats.Commits;

    public long EventsAppended => _stats.EventsAppended;

    public Action<TimeSpan>? CommitObserved
    {
        get => _stats.CommitObserved;
        set => _stats.CommitObserved = value;
    }

    public long CommittedSeq => _feed.CommittedSeq;

    public Task<AuditEvent> AppendAsync(AuditEventDraft draft, CancellationToken cancellationToken = default) =>
        _appender.AppendAsync(draft, cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> AppendAsync(IReadOnlyList<AuditEventDraft> drafts, CancellationToken cancellationToken = default) =>
        _appender.AppendAsync(drafts, cancellationToken);

    public Task WaitForCommitAsync(long afterSeq, CancellationToken cancellationToken = default) =>
        _feed.WaitForCommitAsync(afterSeq, cancellationToken);

    public ValueTask DisposeAsync() => _disposable.DisposeAsync();
}
