using System.Data.Common;
using StepUp.Core.Audit;
using StepUp.Storage;
using StepUp.Storage.Sinks;

namespace StepUp.Server.Audit.Sinks;

/// <summary>
/// Delivers one sink's events: reads the log after the sink's durable cursor, keeps the events its
/// filter selects, sends up to <see cref="SinkDefinition.BatchSize"/> at a time and moves the
/// cursor only after the receiver took them. A failure is retried with back-off, from the same
/// cursor, so nothing is skipped; a restart resumes from the stored cursor. Runs on its own task:
/// requests never wait for it.
/// </summary>
internal sealed partial class SinkDeliveryLoop
{
    /// <summary>Events looked at per round when few match, so the cursor and status keep moving.</summary>
    private const int MaxScanPerRound = 10_000;

    /// <summary>Events appended by another process (the CLI) are seen at least this often.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    /// <summary>How often a cursor moved only over filtered-out events is saved (re-scanning them after a crash is cheap).</summary>
    private static readonly TimeSpan SkipSaveInterval = TimeSpan.FromSeconds(5);

    private readonly SinkDefinition _sink;
    private readonly IAuditSinkTransport _transport;
    private readonly IAuditReader _reader;
    private readonly IAuditFeed _feed;
    private readonly ISinkDeliveryStore _store;
    private readonly TimeProvider _clock;
    private readonly Random _random;
    private readonly ILogger _logger;
    private long _cursor;
    private long _savedCursor;
    private DateTimeOffset _savedAt;
    private SinkStatus _status;

    public SinkDeliveryLoop(SinkDefinition sink, IAuditSinkTransport transport, IAuditReader reader, IAuditFeed feed,
        ISinkDeliveryStore store, TimeProvider clock, Random random, ILogger logger)
    {
        _sink = sink;
        _transport = transport;
        _reader = reader;
        _feed = feed;
        _store = store;
        _clock = clock;
        _random = random;
        _logger = logger;
        _status = new SinkStatus(sink.Name, sink.TypeName, sink.Filter.Patterns, "starting", 0, 0, null, null, null, null);
    }

    public string Name => _sink.Name;

    public IAuditSinkTransport Transport => _transport;

    /// <summary>A consistent snapshot of what the loop is doing.</summary>
    public SinkStatus Status => Volatile.Read(ref _status);

    /// <summary>Runs until <paramref name="stopping"/> is cancelled (then throws <see cref="OperationCanceledException"/>).</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        await OpenAsync(stopping);
        while (true)
        {
            stopping.ThrowIfCancellationRequested();
            var committed = _feed.CommittedSeq;
            Batch batch;
            try
            {
                batch = await ReadBatchAsync(stopping);
            }
            catch (Exception ex) when (IsStorageFailure(ex) && !stopping.IsCancellationRequested)
            {
                await FailAsync("storage: " + ex.GetType().Name, stopping);
                continue;
            }

            if (batch.Events.Count == 0)
            {
                _cursor = Math.Max(_cursor, batch.ScannedTo);
                Publish(s => s with { LastSeq = _cursor });
                if (batch.More)
                {
                    continue;
                }

                await SaveSkippedAsync(force: false, stopping);
                Publish(s => s with { State = "idle", NextAttemptAt = null });
                await WaitForEventsAsync(Math.Max(_cursor, committed), stopping);
                continue;
            }

            Publish(s => s with { State = "delivering" });
            var result = await _transport.DeliverAsync(batch.Events, stopping);
            if (result.Delivered)
            {
                await DeliveredAsync(batch, stopping);
            }
            else
            {
                await FailAsync(result.Error ?? "failed", stopping);
            }
        }
    }

    /// <summary>Saves a cursor that only moved over filtered-out events (at shutdown).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => SaveSkippedAsync(force: true, cancellationToken);

    /// <summary>Marks the loop as crashed (an unexpected exception; the host restarts it).</summary>
    public void MarkCrashed(string error, DateTimeOffset restartAt) =>
        Publish(s => s with { State = "crashed", LastError = error, NextAttemptAt = restartAt });

    /// <summary>Marks the loop as stopped (shutdown).</summary>
    public void MarkStopped() => Publish(s => s with { State = "stopped", NextAttemptAt = null });

    private async Task OpenAsync(CancellationToken stopping)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                var startSeq = _sink.StartAtEnd ? (await _reader.GetHeadAsync(stopping)).Seq : 0;
                var state = await _store.OpenAsync(_sink.Name, startSeq, stopping);
                _cursor = _savedCursor = state.LastSeq;
                _savedAt = _clock.GetUtcNow();
                Publish(s => s with
                {
                    State = "idle",
                    LastSeq = state.LastSeq,
                    Failures = state.Failures,
                    LastError = state.LastError,
                    LastAttemptAt = state.LastAttemptAt,
                    LastSuccessAt = state.LastSuccessAt,
                });
                LogStarted(_logger, _sink.Name, _sink.TypeName, state.LastSeq);
                return;
            }
            catch (Exception ex) when (IsStorageFailure(ex) && !stopping.IsCancellationRequested)
            {
                failures++;
                var retryAt = _clock.GetUtcNow() + SinkBackoff.Delay(failures, _random);
                LogStateNotSaved(_logger, ex, _sink.Name);
                Publish(s => s with { State = "retrying", LastError = "storage: " + ex.GetType().Name, NextAttemptAt = retryAt });
                await DelayUntilAsync(retryAt, stopping);
            }
        }
    }

    private async Task<Batch> ReadBatchAsync(CancellationToken cancellationToken)
    {
        var events = new List<AuditEvent>();
        var scannedTo = _cursor;
        var scanned = 0;
        await foreach (var evt in _reader.ReadRangeAsync(_cursor + 1, cancellationToken))
        {
            scannedTo = evt.Seq;
            scanned++;
            if (_sink.Filter.Matches(evt.Type))
            {
                events.Add(evt);
                if (events.Count == _sink.BatchSize)
                {
                    return new Batch(events, scannedTo, More: true);
                }
            }

            if (scanned == MaxScanPerRound)
            {
                return new Batch(events, scannedTo, More: true);
            }
        }

        return new Batch(events, scannedTo, More: false);
    }

    private async Task DeliveredAsync(Batch batch, CancellationToken stopping)
    {
        var now = _clock.GetUtcNow();
        var failedBefore = Status.Failures;
        _cursor = batch.ScannedTo;
        Publish(s => s with { LastSeq = _cursor, Failures = 0, LastError = null, LastAttemptAt = now, LastSuccessAt = now, NextAttemptAt = null });
        try
        {
            await _store.RecordDeliveredAsync(_sink.Name, _cursor, now, stopping);
            _savedCursor = _cursor;
            _savedAt = now;
        }
        catch (Exception ex) when (IsStorageFailure(ex) && !stopping.IsCancellationRequested)
        {
            // Delivered but not recorded: a restart before the next save delivers these again (at least once).
            LogStateNotSaved(_logger, ex, _sink.Name);
        }

        if (failedBefore > 0)
        {
            LogRecovered(_logger, _sink.Name, failedBefore, _cursor);
        }

        LogDelivered(_logger, _sink.Name, batch.Events.Count, _cursor);
    }

    private async Task FailAsync(string error, CancellationToken stopping)
    {
        var now = _clock.GetUtcNow();
        var failures = Status.Failures + 1;
        var delay = SinkBackoff.Delay(failures, _random);
        var retryAt = now + delay;
        Publish(s => s with { State = "retrying", Failures = failures, LastError = error, LastAttemptAt = now, NextAttemptAt = retryAt });
        LogFailed(_logger, _sink.Name, failures, error, delay);
        try
        {
            await _store.RecordFailureAsync(_sink.Name, now, error, stopping);
        }
        catch (Exception ex) when (IsStorageFailure(ex) && !stopping.IsCancellationRequested)
        {
            LogStateNotSaved(_logger, ex, _sink.Name);
        }

        await DelayUntilAsync(retryAt, stopping);
    }

    private async Task SaveSkippedAsync(bool force, CancellationToken cancellationToken)
    {
        if (_cursor <= _savedCursor)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        if (!force && now - _savedAt < SkipSaveInterval && _cursor - _savedCursor < MaxScanPerRound)
        {
            return;
        }

        try
        {
            await _store.AdvanceAsync(_sink.Name, _cursor, cancellationToken);
            _savedCursor = _cursor;
            _savedAt = now;
        }
        catch (Exception ex) when (IsStorageFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogStateNotSaved(_logger, ex, _sink.Name);
        }
    }

    /// <summary>Waits for a commit after <paramref name="afterSeq"/> in this process, or the poll interval.</summary>
    private async Task WaitForEventsAsync(long afterSeq, CancellationToken stopping)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var commit = _feed.WaitForCommitAsync(afterSeq, wait.Token);
        var poll = Task.Delay(PollInterval, _clock, wait.Token);
        await Task.WhenAny(commit, poll);
        await wait.CancelAsync();
        stopping.ThrowIfCancellationRequested();
    }

    private async Task DelayUntilAsync(DateTimeOffset when, CancellationToken stopping)
    {
        // Measured from "now" so a clock that moved past `when` meanwhile does not add a second delay.
        var delay = when - _clock.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _clock, stopping);
        }
    }

    private void Publish(Func<SinkStatus, SinkStatus> change) => Volatile.Write(ref _status, change(_status));

    /// <summary>Failures of the database (busy, gone, unreadable row) that a retry may fix; anything else is a bug.</summary>
    private static bool IsStorageFailure(Exception ex) => ex is DbException or AuditEventFormatException or IOException;

    private sealed record Batch(List<AuditEvent> Events, long ScannedTo, bool More);

    [LoggerMessage(EventId = 450, Level = LogLevel.Information, Message = "Audit sink {Sink} ({Type}) started after seq {Seq}")]
    private static partial void LogStarted(ILogger logger, string sink, string type, long seq);

    [LoggerMessage(EventId = 451, Level = LogLevel.Warning, Message = "Audit sink {Sink} failed ({Failures} in a row): {Error}; retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, string sink, int failures, string error, TimeSpan delay);

    [LoggerMessage(EventId = 452, Level = LogLevel.Information, Message = "Audit sink {Sink} recovered after {Failures} failed attempts; delivered up to seq {Seq}")]
    private static partial void LogRecovered(ILogger logger, string sink, int failures, long seq);

    [LoggerMessage(EventId = 453, Level = LogLevel.Warning, Message = "Audit sink {Sink}: reading the log or saving its delivery state failed")]
    private static partial void LogStateNotSaved(ILogger logger, Exception exception, string sink);

    [LoggerMessage(EventId = 455, Level = LogLevel.Debug, Message = "Audit sink {Sink} delivered {Count} events up to seq {Seq}")]
    private static partial void LogDelivered(ILogger logger, string sink, int count, long seq);
}
