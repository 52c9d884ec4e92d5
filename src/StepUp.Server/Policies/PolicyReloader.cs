using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using StepUp.Server.Hosting;

namespace StepUp.Server.Policies;

/// <summary>
/// Loads the policy at start and reloads it when its file changes or the process gets SIGHUP.
/// File events are debounced: editors write files in several steps.
/// </summary>
internal sealed partial class PolicyReloader(PolicyHost host, IOptions<StepUpServerOptions> options, ILogger<PolicyReloader> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _sighup;
    private Timer? _timer;
    private readonly CancellationTokenSource _stopping = new();
    private int _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await host.LoadInitialAsync(cancellationToken);
        _timer = new Timer(_ => Reload("file change"));
        if (options.Value.PolicyWatch)
        {
            Watch();
        }

        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP means "reload", not "terminate"
                Reload("SIGHUP");
            });
        }
    }

    private void Watch()
    {
        var directory = Path.GetDirectoryName(host.Path)!;
        _watcher = new FileSystemWatcher(directory, Path.GetFileName(host.Path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            EnableRaisingEvents = true,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Hosts may stop after disposing (WebApplicationFactory stops twice): stopping twice is fine.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return Task.CompletedTask;
        }

        _stopping.Cancel();
        _watcher?.Dispose();
        _sighup?.Dispose();
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _watcher?.Dispose();
        _sighup?.Dispose();
        _timer?.Dispose();
        _stopping.Dispose();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _timer?.Change(Debounce, Timeout.InfiniteTimeSpan);

    private void Reload(string trigger) => _ = ReloadAsync(trigger);

    private async Task ReloadAsync(string trigger)
    {
        try
        {
            await host.ReloadAsync(trigger, _stopping.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            LogReloadFailed(ex);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Policy reload failed")]
    private partial void LogReloadFailed(Exception exception);
}
