using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Checkpoints;
using StepUp.Core.Security;
using StepUp.Server.Hosting;
using StepUp.Server.Keys;
using StepUp.Storage;

namespace StepUp.Server.Audit.Checkpoints;

/// <summary>
/// Writes signed <c>audit.checkpoint</c> events (SPEC §7): after every
/// <c>StepUp:Audit:CheckpointEvery</c> events, every <c>CheckpointInterval</c> while new events
/// arrive, and once more at shutdown — in <see cref="StoppedAsync"/>, after every hosted service
/// (and the web server) has stopped appending, and before the appender is disposed with the
/// container. Each checkpoint covers the chain head it read, is appended to the chain, and is
/// copied to <c>CheckpointFile</c> when one is set.
/// </summary>
internal sealed partial class CheckpointWriter : IHostedLifecycleService, IDisposable
{
    private readonly IAuditAppender _appender;
    private readonly IAuditReader _reader;
    private readonly IAuditFeed _feed;
    private readonly SigningKeyService _keys;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CheckpointWriter> _logger;
    private readonly int _every;
    private readonly TimeSpan _interval;
    private readonly CheckpointFileWriter? _file;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _stopped;

    // The highest seq that needs no further checkpoint: the last checkpoint event itself when it
    // came right after what it covers, else what it covers (events slipped in between).
    private long _baseline;

    public CheckpointWriter(IAuditAppender appender, IAuditReader reader, IAuditFeed feed, SigningKeyService keys, TimeProvider timeProvider,
        IOptions<StepUpServerOptions> options, ILogger<CheckpointWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _appender = appender;
        _reader = reader;
        _feed = feed;
        _keys = keys;
        _timeProvider = timeProvider;
        _logger = logger;
        var audit = options.Value.Audit;
        _every = audit.CheckpointEvery;
        _interval = audit.CheckpointInterval;
        _file = string.IsNullOrWhiteSpace(audit.CheckpointFile) ? null : new CheckpointFileWriter(audit.CheckpointFile);
    }

    /// <summary>Checkpoints written by this process.</summary>
    public long Written { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _baseline = await FindBaselineAsync(cancellationToken);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the loop; idempotent, and harmless after <see cref="Dispose"/> (a host stopped twice, or disposed first).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stopping.CancelAsync();
        }

        await _loop.WaitAsync(cancellationToken);
    }

    /// <summary>The shutdown checkpoint: everything else has stopped, the appender is still open.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await WriteAsync(cancellationToken) is { } checkpoint)
            {
                var covered = checkpoint.Payload[AuditCheckpoint.SeqField]!.GetValue<long>();
                LogShutdownCheckpoint(_logger, checkpoint.Seq, covered);
            }
        }
        catch (Exception ex) when (IsWriteFailure(ex) || ex is OperationCanceledException)
        {
            // Shutdown goes on; the next start's first checkpoint covers these events.
            LogFailed(_logger, ex);
        }
    }

    /// <summary>Writes a checkpoint now if events arrived since the last one; returns it, or null.</summary>
    public async Task<AuditEvent?> WriteAsync(CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var head = await _reader.GetHeadAsync(cancellationToken);
            if (head.Seq <= _baseline)
            {
                return null;
            }

            var key = await _keys.GetActiveAsync(SigningKeyPurposes.Audit, cancellationToken);
            var statement = new AuditCheckpoint(head.Seq, head.Hash, _timeProvider.GetUtcNow());
            var jws = key.Sign(statement, static (ecdsa, kid, s) => CheckpointJws.Sign(s, kid, ecdsa));
            var evt = await _appender.AppendAsync(new AuditEventDraft
            {
                Type = AuditEventTypes.AuditCheckpoint,
                Payload = statement.ToEventPayload(jws),
            }, cancellationToken);
            _baseline = evt.Seq == head.Seq + 1 ? evt.Seq : head.Seq;
            Written++;
            LogCheckpoint(_logger, evt.Seq, head.Seq, key.Kid);
            // Once in the chain, the checkpoint goes to the anchor file too, even when stopping.
            await CopyToFileAsync(evt, CancellationToken.None);
            return evt;
        }
        finally
        {
            _writing.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _stopping.Cancel();
        }

        _stopping.Dispose();
        _writing.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var countTrigger = true;
        while (!stopping.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                var timer = Task.Delay(_interval, _timeProvider, wait.Token);
                var enough = countTrigger ? _feed.WaitForCommitAsync(_baseline + _every - 1, wait.Token) : Task.Delay(Timeout.Infinite, wait.Token);
                await Task.WhenAny(timer, enough);
                await wait.CancelAsync();
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await WriteAsync(stopping);
                countTrigger = true;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                // The one place a failed checkpoint becomes a log line: the next interval tries again
                // (not the next commit, which would spin while the database is failing).
                LogFailed(_logger, ex);
                countTrigger = false;
            }
        }
    }

    private static bool IsWriteFailure(Exception ex) =>
        ex is ObjectDisposedException or InvalidOperationException or IOException or CryptographicException or System.Data.Common.DbException;

    private async Task<long> FindBaselineAsync(CancellationToken cancellationToken)
    {
        var page = await _reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.AuditCheckpoint, Limit = 1 }, cancellationToken);
        if (page.Events is not [var last])
        {
            return 0;
        }

        return AuditCheckpoint.TryReadEventPayload(last.Payload, out var covered, out _, out _) && covered + 1 != last.Seq ? covered : last.Seq;
    }

    private async Task CopyToFileAsync(AuditEvent checkpoint, CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            await _file.AppendAsync(checkpoint, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The checkpoint is in the chain; the anchor file just misses this one (and the operator is told).
            LogFileFailed(_logger, _file.Path, checkpoint.Seq, ex);
        }
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Debug, Message = "Audit checkpoint {Seq} covers the chain up to seq {CoveredSeq} (key {Kid})")]
    private static partial void LogCheckpoint(ILogger logger, long seq, long coveredSeq, string kid);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information, Message = "Shutdown audit checkpoint {Seq} covers the chain up to seq {CoveredSeq}")]
    private static partial void LogShutdownCheckpoint(ILogger logger, long seq, long coveredSeq);

    [LoggerMessage(EventId = 422, Level = LogLevel.Error, Message = "Writing an audit checkpoint failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 423, Level = LogLevel.Error, Message = "Could not append checkpoint {Seq} to the checkpoint file {Path}")]
    private static partial void LogFileFailed(ILogger logger, string path, long seq, Exception exception);
}
