using System.Text;
using System.Threading.Channels;
using StepUp.Core.Audit;

namespace StepUp.Storage;

/// <summary>
/// The group commit both audit writers share. Callers canonicalise and digest their payload on
/// their own thread and queue it; one background loop takes everything queued (up to the batch
/// size, in events), hands it to <see cref="CommitAsync"/> (one transaction, durable before it
/// returns), then completes the callers. A failed commit fails only that batch's callers: each call
/// is retried alone so one bad event cannot fail the others, unless <see cref="FailsWholeBatch"/>
/// says the failure is everyone's (the database is gone).
/// </summary>
public abstract class GroupCommitAuditAppender : IAuditAppender, IAuditAppenderStats, IAsyncDisposable, IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingAppend> _queue;
    private Task _loop = Task.CompletedTask;
    private long _commits;
    private long _eventsAppended;
    private long _lastCommitLatencyTicks;
    private int _disposed;

    /// <param name="timeProvider">Clock of commit latencies (and of the subclass's event times).</param>
    /// <param name="queueCapacity">Calls queued before appenders wait.</param>
    /// <param name="maxBatchSize">Events per transaction (a larger call still goes whole, alone).</param>
    protected GroupCommitAuditAppender(TimeProvider timeProvider, int queueCapacity, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _timeProvider = timeProvider;
        _maxBatchSize = maxBatchSize;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
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

    /// <summary>The clock of this writer.</summary>
    protected TimeProvider TimeProvider => _timeProvider;

    /// <summary>True once disposal has begun.</summary>
    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

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

    /// <summary>Stops accepting appends, writes everything already queued, then lets the subclass close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _loop;
        await CloseAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the writer loop; the subclass calls it last in its constructor, once it can commit.</summary>
    protected void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Chains and writes <paramref name="batch"/> in one durable transaction; the events of each call, in order.</summary>
    private protected abstract ValueTask<AuditEvent[][]> CommitAsync(IReadOnlyList<PendingAppend> batch);

    /// <summary>Called after each commit with the last committed seq.</summary>
    protected abstract void OnCommitted(long seq);

    /// <summary>Whether <paramref name="failure"/> fails every caller of the batch (no point retrying them one by one).</summary>
    protected virtual bool FailsWholeBatch(Exception failure) => false;

    /// <summary>The exception each caller of a batch that <see cref="FailsWholeBatch"/> gets (one per caller).</summary>
    protected virtual Exception ForEachCaller(Exception failure) => failure;

    /// <summary>Releases what the subclass holds, after the queue has drained.</summary>
    protected abstract ValueTask CloseAsync();

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
            throw new ObjectDisposedException(GetType().Name, ex);
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

            await WriteBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task WriteBatchAsync(List<PendingAppend> batch)
    {
        var failure = await TryCommitAsync(batch).ConfigureAwait(false);
        if (failure is null)
        {
            return;
        }

        if (batch.Count == 1 || FailsWholeBatch(failure))
        {
            foreach (var pending in batch)
            {
                pending.TrySetException(batch.Count == 1 ? failure : ForEachCaller(failure));
            }

            return;
        }

        // One caller's bad event (e.g. a reused id) must not fail the others: retry each call alone.
        foreach (var pending in batch)
        {
            if (await TryCommitAsync([pending]).ConfigureAwait(false) is { } single)
            {
                pending.TrySetException(single);
            }
        }
    }

    private async Task<Exception?> TryCommitAsync(IReadOnlyList<PendingAppend> batch)
    {
        var started = _timeProvider.GetTimestamp();
        AuditEvent[][] results;
        try
        {
            results = await CommitAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The one place a write failure becomes the callers' result: whatever it is (I/O error,
            // server gone, constraint, bug), those callers must fail rather than hang, and the loop
            // must live on. The transaction rolled back; the chain head is re-read from the database
            // by the next commit, so nothing in memory has to be undone.
            return ex;
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
            OnCommitted(last[^1].Seq);
        }

        return null;
    }

    /// <summary>One draft, canonicalised, digested and indexed on the caller's thread.</summary>
    private protected readonly record struct PreparedDraft(AuditEventDraft Draft, string PayloadText, string PayloadDigest, AuditIndexFields Index, string[] Rollup);

    /// <summary>One append call waiting for its commit.</summary>
    private protected sealed class PendingAppend(PreparedDraft[] drafts)
        : TaskCompletionSource<AuditEvent[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public PreparedDraft[] Drafts { get; } = drafts;
    }
}
