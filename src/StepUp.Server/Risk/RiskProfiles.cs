using System.Collections.Concurrent;
using System.Data.Common;
using StepUp.Core.Monitoring;
using StepUp.Core.Risk;
using StepUp.Storage.Risk;

namespace StepUp.Server.Risk;

/// <summary>
/// The subjects' risk profiles: read from the store on first use, then kept in memory and written
/// back behind the requests (every second, and at shutdown) so a decision never waits for a
/// write. A kill -9 can lose up to a second of what was learned; the profile then looks newer than
/// it is, which only makes signals fire (the stricter side). Profiles idle for two hours leave
/// memory. With several nodes (PostgreSQL) a profile is re-read when it is older than two
/// seconds and has nothing unsaved, so what another node learned shows within about three
/// seconds (until then a device or place looks new: the stricter side). Also prunes the
/// detectors' idle windows.
/// </summary>
internal sealed partial class RiskProfiles(IRiskProfileStore store, Detectors detectors, TimeProvider time, Microsoft.Extensions.Options.IOptions<Hosting.StepUpServerOptions> options, ILogger<RiskProfiles> logger) : BackgroundService
{
    private readonly long _reloadAfterTicks = string.Equals(options.Value.Storage.Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        ? TimeSpan.FromSeconds(2).Ticks
        : long.MaxValue;

    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private static readonly long IdleTicks = TimeSpan.FromHours(2).Ticks;

    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    /// <summary>Profiles held in memory.</summary>
    public int Count => _cache.Count;

    public async ValueTask<SubjectRiskProfile> GetAsync(string subjectKey, CancellationToken cancellationToken)
    {
        var ticks = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        if (_cache.TryGetValue(subjectKey, out var entry) && (ticks - entry.LoadedAt < _reloadAfterTicks || IsDirty(entry)))
        {
            entry.LastUsed = ticks;
            return entry.Profile;
        }

        var bytes = await store.GetAsync(subjectKey, cancellationToken);
        var profile = bytes is null ? new SubjectRiskProfile() : SubjectRiskProfile.Deserialize(bytes);
        var loaded = new Entry(profile) { LastUsed = ticks, LoadedAt = ticks };
        return _cache.AddOrUpdate(subjectKey, loaded, (_, current) => IsDirty(current) ? current : loaded).Profile;
    }

    /// <summary>Writes every changed profile now.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var changed = new List<(string, byte[])>();
        var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        foreach (var (key, entry) in _cache)
        {
            lock (entry.Profile)
            {
                if (entry.Profile.Dirty)
                {
                    changed.Add((key, entry.Profile.Serialize()));
                    entry.Profile.MarkSaved();
                }
                else if (now - entry.LastUsed > IdleTicks)
                {
                    _cache.TryRemove(key, out _);
                }
            }
        }

        try
        {
            await store.SaveAsync(changed, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or IOException)
        {
            // Keep them dirty so the next round writes them.
            foreach (var (key, _) in changed)
            {
                if (_cache.TryGetValue(key, out var entry))
                {
                    lock (entry.Profile)
                    {
                        entry.Profile.Touch();
                    }
                }
            }

            LogFlushFailed(logger, ex, changed.Count);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        var rounds = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                if (++rounds % 60 == 0)
                {
                    detectors.Prune(time.GetUtcNow());
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    private static bool IsDirty(Entry entry)
    {
        lock (entry.Profile)
        {
            return entry.Profile.Dirty;
        }
    }

    private sealed class Entry(SubjectRiskProfile profile)
    {
        public SubjectRiskProfile Profile { get; } = profile;

        public long LastUsed { get; set; }

        public long LoadedAt { get; init; }
    }

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Saving {Count} risk profiles failed; retrying in a second")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}
