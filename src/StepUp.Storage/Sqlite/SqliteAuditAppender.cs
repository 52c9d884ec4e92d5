using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using StepUp.Core.Audit;

namespace StepUp.Storage.Sqlite;

/// <summary>
/// The process's single audit writer (group commit). Callers canonicalise and digest their payload
/// on their own thread and queue it; one background loop takes everything queued (up to
/// <see cref="SqliteAuditAppenderOptions.MaxBatchSize"/> events), chains it onto the stored head and
/// writes it in one transaction on one dedicated connection (<c>synchronous=FULL</c>: one fsync per
/// batch), then completes the callers. A failed commit fails only that batch's callers.
/// </summary>
public sealed partial class SqliteAuditAppender : IAuditAppender, IAuditAppenderStats, IAuditFeed, IAsyncDisposable, IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingAppend> _queue;
    private readonly SqliteConnection _connection;
    private readonly Task _loop;
    private long _commits;
    private long _eventsAppended;
    private long _lastCommitLatencyTicks;
    private long _committedSeq;
    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    /// <summary>Opens the writer connection and starts the writer loop.</summary>
    /// <exception cref="SqliteException">The database cannot be opened.</exception>
    public SqliteAuditAppender(SqliteDatabase database, TimeProvider timeProvider, SqliteAuditAppenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new SqliteAuditAppenderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        _timeProvider = timeProvider;
        _maxBatchSize = options.MaxBatchSize;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _connection = database.OpenConnection();
        try
        {
            PrepareCommands();
        }
        catch (SqliteException)
        {
            _connection.Dispose();
            throw;
        }

        _committedSeq = new SqliteAuditReader(database).GetHeadAsync().GetAwaiter().GetResult().Seq;
        _loop = Task.Run(RunAsync);
    }

    /// <inheritdoc/>
    public long CommittedSeq => Interlocked.Read(ref _committedSeq);

    /// <inheritdoc/>
    public async Task WaitForCommitAsync(long afterSeq, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _committed);
            if (CommittedSeq > afterSeq)
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public int QueueDepth => _queue.Reader.Count;

    /// <inheritdoc/>
    public TimeSpan LastCommitLatency => TimeSpan.FromTicks(Interlocked.Read(ref _lastCommitLatencyTicks));

    /// <inheritdoc/>
    public long Commits => Interlocked.Read(ref _commits);

    /// <inheritdoc/>
    public long EventsAppended => Interlocked.Read(ref _eventsAppended);

    /// <inheritdoc/>
    public Action<TimeSpan>? CommitObserved { get; set; }

    /// <inheritdoc/>
    public async Task<AuditEvent> AppendAsync(AuditEventDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var pending = new PendingAppend([Prepare(draft)]);
        await EnqueueAsync(pending, cancellationToken);
        var events = await pending.Task;
        return events[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEvent>> AppendAsync(IReadOnlyList<AuditEventDraft> drafts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0)
        {
            return [];
        }

        var prepared = new PreparedDraft[drafts.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            prepared[i] = Prepare(drafts[i] ?? throw new ArgumentException("A draft is null.", nameof(drafts)));
        }

        var pending = new PendingAppend(prepared);
        await EnqueueAsync(pending, cancellationToken);
        return await pending.Task;
    }

    /// <summary>Stops accepting appends, writes everything already queued, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _loop;
        DisposeCommands();
        await _connection.DisposeAsync();
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // Runs on the caller's thread: validation errors reach the caller directly and the CPU work
    // of canonicalising and hashing payloads is spread over callers, not serialised in the writer.
    private static PreparedDraft Prepare(AuditEventDraft draft)
    {
        var canonical = draft.ToCanonicalPayload();
        return new PreparedDraft(
            draft,
            Encoding.UTF8.GetString(canonical),
            AuditChain.PayloadDigest(canonical),
            AuditIndexFields.From(draft.Payload),
            [.. AuditRollup.Keys(draft.Type, draft.Payload)]);
    }

    private async ValueTask EnqueueAsync(PendingAppend pending, CancellationToken cancellationToken)
    {
        if (_queue.Writer.TryWrite(pending))
        {
            return;
        }

        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException(nameof(SqliteAuditAppender), ex);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var events = 0;
            // Take what is queued now; a call with more drafts than the limit still goes whole (alone).
            while (reader.TryPeek(out var next) &&
                   (batch.Count == 0 || events + next.Drafts.Length <= _maxBatchSize) &&
                   reader.TryRead(out next))
            {
                batch.Add(next);
                events += next.Drafts.Length;
            }

            WriteBatch(batch);
        }
    }

    private void WriteBatch(List<PendingAppend> batch)
    {
        if (TryCommit(batch, out var failure))
        {
            return;
        }

        if (batch.Count == 1)
        {
            batch[0].TrySetException(failure);
            return;
        }

        // One caller's bad event (e.g. a reused id) must not fail the others: retry each call alone.
        foreach (var pending in batch)
        {
            if (!TryCommit([pending], out var single))
            {
                pending.TrySetException(single);
            }
        }
    }

    private bool TryCommit(IReadOnlyList<PendingAppend> batch, out Exception failure)
    {
        var started = _timeProvider.GetTimestamp();
        AuditEvent[][] results;
        try
        {
            results = Commit(batch);
        }
        catch (Exception ex)
        {
            // The one place a write failure becomes the callers' result: whatever it is (I/O error,
            // constraint, bug), those callers must fail rather than hang, and the loop must live on.
            // The transaction rolled back; the chain head is re-read from the database by the next
            // commit, so nothing in memory has to be undone.
            failure = ex;
            return false;
        }

        var latency = _timeProvider.GetElapsedTime(started);
        Interlocked.Exchange(ref _lastCommitLatencyTicks, latency.Ticks);
        CommitObserved?.Invoke(latency);
        Interlocked.Increment(ref _commits);
        var events = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            events += results[i].Length;
            batch[i].TrySetResult(results[i]);
        }

        Interlocked.Add(ref _eventsAppended, events);
        var last = results[^1];
        if (last.Length > 0)
        {
            Interlocked.Exchange(ref _committedSeq, last[^1].Seq);
            Interlocked.Exchange(ref _committed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        failure = null!;
        return true;
    }

    private readonly record struct PreparedDraft(AuditEventDraft Draft, string PayloadText, string PayloadDigest, AuditIndexFields Index, string[] Rollup);

    private sealed class PendingAppend(PreparedDraft[] drafts)
        : TaskCompletionSource<AuditEvent[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public PreparedDraft[] Drafts { get; } = drafts;
    }
}
