using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;
using StepUp.Storage;
using StepUp.Storage.Sinks;

namespace StepUp.Server.Audit.Sinks;

/// <summary>
/// Starts one <see cref="SinkDeliveryLoop"/> per configured sink, each on its own task, and stops
/// them at shutdown. A loop that throws something unexpected is logged and restarted from its
/// stored cursor: a broken sink never takes the server (or other sinks) down with it.
/// </summary>
internal sealed partial class AuditSinkHost : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(30);

    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;
    private readonly ILogger<AuditSinkHost> _logger;
    private readonly List<SinkDeliveryLoop> _loops = [];
    private readonly List<Task> _running = [];
    private CancellationTokenSource? _stopping;
    private Task? _stopped;
    private int _disposed;

    public AuditSinkHost(IServiceProvider services, TimeProvider clock, ILogger<AuditSinkHost> logger)
    {
        _services = services;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The committed head the lag is measured against.</summary>
    public long CommittedSeq => _services.GetRequiredService<IAuditFeed>().CommittedSeq;

    /// <summary>Every configured sink's status, in configuration order.</summary>
    public IReadOnlyList<SinkStatus> Statuses => _loops.Select(l => l.Status).ToArray();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _services.GetRequiredService<IOptions<StepUpServerOptions>>().Value;
        var errors = new List<string>();
        var sinks = SinkDefinition.CreateAll(options.Audit.Sinks, errors);
        var alertWebhooks = Alerts.AlertWebhooks.Definitions(options.Alerts, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid audit sink configuration:\n" + string.Join('\n', errors));
        }

        if (sinks.Count + alertWebhooks.Count == 0)
        {
            return Task.CompletedTask;
        }

        var reader = _services.GetRequiredService<IAuditReader>();
        var feed = _services.GetRequiredService<IAuditFeed>();
        var store = _services.GetRequiredService<ISinkDeliveryStore>();
        _stopping = new CancellationTokenSource();
        var appender = _services.GetRequiredService<IAuditAppender>();
        var metrics = _services.GetRequiredService<Metrics.StepUpMetrics>();
        foreach (var sink in sinks.Concat(alertWebhooks))
        {
            IAuditSinkTransport transport = alertWebhooks.Contains(sink) ? new Alerts.AlertWebhookTransport(sink, _clock, appender, metrics)
                : sink.Kind == SinkKind.Webhook ? new WebhookSinkTransport(sink, _clock)
                : new SyslogSinkTransport(sink, _clock);
            var loop = new SinkDeliveryLoop(sink, transport, reader, feed, store, _clock, Random.Shared, _logger);
            _loops.Add(loop);
            _running.Add(Task.Run(() => SuperviseAsync(loop, _stopping.Token), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops every loop (idempotent: later calls get the first call's task).</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null)
        {
            return Task.CompletedTask;
        }

        lock (_loops)
        {
            return _stopped ??= StopLoopsAsync(cancellationToken);
        }
    }

    private async Task StopLoopsAsync(CancellationToken cancellationToken)
    {
        _stopping!.Cancel();
        await Task.WhenAll(_running).WaitAsync(cancellationToken);
        foreach (var loop in _loops)
        {
            try
            {
                await loop.FlushAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Out of shutdown time: the unsaved part of a cursor only covers skipped events, re-read after the restart.
            }

            loop.MarkStopped();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test host may be disposed from two sides at once.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_stopping is not null)
        {
            // Also when StopAsync never ran (a failed start): no loop may outlive its transport.
            await _stopping.CancelAsync();
            await Task.WhenAll(_running);
        }

        foreach (var loop in _loops)
        {
            await loop.Transport.DisposeAsync();
        }

        _stopping?.Dispose();
    }

    private async Task SuperviseAsync(SinkDeliveryLoop loop, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await loop.RunAsync(stopping);
            }
            catch (Exception ex)
            {
                // The one place a sink's failure becomes a restart instead of a dead sink or a stopped server.
                if (stopping.IsCancellationRequested)
                {
                    // Shutting down: what the loop was doing was cut short and is delivered again after the restart.
                    return;
                }

                var restartAt = _clock.GetUtcNow() + RestartDelay;
                LogCrashed(_logger, ex, loop.Name, RestartDelay);
                loop.MarkCrashed("internal: " + ex.GetType().Name, restartAt);
                try
                {
                    await Task.Delay(RestartDelay, _clock, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 454, Level = LogLevel.Error, Message = "Audit sink {Sink} stopped unexpectedly; restarting it in {Delay}")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string sink, TimeSpan delay);
}
