using System.Globalization;
using System.Text;
using System.Threading.Channels;
using StepUp.Core.Audit;

namespace StepUp.Storage.Postgres;

/// <summary>
/// A node's audit writer on PostgreSQL (group commit), extending one gap-free chain shared by every
/// node. Callers canonicalise and digest their payload on their own thread and queue it; one
/// background loop takes everything queued (up to <see cref="PostgresAuditAppenderOptions.MaxBatchSize"/>
/// events) and writes it in one transaction that first takes a transaction-scoped advisory lock, then
/// reads the chain tip from the table (never from memory: another node may have appended), chains
/// the batch onto it, inserts and commits (<c>synchronous_commit=on</c>: durable when the callers
/// are released). When the server cannot be reached the batch's callers get a
/// <see cref="StorageUnavailableException"/>, nothing is half-written, and the next batch reconnects.
/// </summary>
public sealed partial class PostgresAuditAppender : IAuditAppender, IAuditAppenderStats, IAuditFeed, IAsyncDisposable, IDisposable
{
    private readonly PostgresDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingAppend> _queue;
    private readonly Task _loop;
    private long _commits;
    private long _eventsAppended;
    private long _lastCommitLatencyTicks;
    private int _disposed;

    /// <summary>Reads the committed head (for <see cref="CommittedSeq"/>) and starts the writer loop.</summary>
    /// <exception cref="StorageUnavailableException">The server cannot be reached.</exception>
    public PostgresAuditAppender(PostgresDatabase database, TimeProvider timeProvider, PostgresAuditAppenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new PostgresAuditAppenderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FeedPollInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChainLockTimeout, TimeSpan.FromMilliseconds(1), nameof(options));
        _database = database;
        _timeProvider = timeProvider;
        _maxBatchSize = options.MaxBatchSize;
        _pollInterval = options.FeedPollInterval;
        _lockTimeout = ((long)options.ChainLockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _committedSeq = ReadCommittedSeq();
        _loop = Task.Run(RunAsync);
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
    /// <exception cref="StorageUnavailableException">PostgreSQL could not be reached; the event was not written (or, if the connection broke during the commit itself, its outcome is unknown).</exception>
    public async Task<AuditEvent> AppendAsync(AuditEventDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var pending = new PendingAppend([Prepare(draft)]);
        await EnqueueAsync(pending, cancellationToken);
        var events = await pending.Task;
        return events[0];
    }

    /// <inheritdoc/>
    /// <exception cref="StorageUnavailableException">PostgreSQL could not be reached; none of the events was written (or, if the connection broke during the commit itself, the outcome is unknown).</exception>
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

    /// <summary>Stops accepting appends, writes everything already queued, then stops polling for other nodes' commits.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _loop;
        await StopPollingAsync();
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
            throw new ObjectDisposedException(nameof(PostgresAuditAppender), ex);
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

        if (failure is StorageUnavailableException unavailable)
        {
            // The server is gone for everyone: fail the whole batch now rather than once per caller.
            foreach (var pending in batch)
            {
                pending.TrySetException(new StorageUnavailableException(unavailable.Message, unavailable.InnerException!));
            }

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
            // The one place a write failure becomes the callers' result: whatever it is (server gone,
            // constraint, bug), those callers must fail rather than hang, and the loop must live on.
            // The transaction rolled back; the chain tip is re-read from the table by the next
            // commit, so nothing in memory has to be undone.
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
            PublishCommitted(last[^1].Seq);
        }

        return null;
    }

    private readonly record struct PreparedDraft(AuditEventDraft Draft, string PayloadText, string PayloadDigest, AuditIndexFields Index, string[] Rollup);

    private sealed class PendingAppend(PreparedDraft[] drafts)
        : TaskCompletionSource<AuditEvent[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public PreparedDraft[] Drafts { get; } = drafts;
    }
}
