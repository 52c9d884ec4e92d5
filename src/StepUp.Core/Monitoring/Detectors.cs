using System.Collections.Concurrent;
using StepUp.Core.Policy;

namespace StepUp.Core.Monitoring;

/// <summary>
/// The live detectors of SPEC §5 and the failure windows behind <c>risk.failures_1h</c> and
/// <c>risk.ip_failures_1h</c>. Counts are per minute; each (detector, key) raises at most once per
/// window, so a burst gives one alert, not one per failure. Detectors alert only: locking is the
/// lockout rules' job. Thread-safe; state is in memory (a restart starts the windows afresh).
/// </summary>
public sealed class Detectors
{
    public const string SubjectFailures = "subject_failures";
    public const string IpFailures = "ip_failures";
    public const string FailureSpike = "failure_spike";
    public const string TriggerSpike = "trigger_spike";
    public const string DeniedRegion = "denied_region";
    public const string ImpossibleTravel = "impossible_travel";

    /// <summary>The window the risk signals count failures over.</summary>
    public static readonly TimeSpan RiskWindow = TimeSpan.FromHours(1);

    /// <summary>The trailing period a spike is compared with.</summary>
    public static readonly TimeSpan Baseline = TimeSpan.FromHours(1);

    private static readonly TimeSpan KeySpan = DetectorSettings.MaxWindow;
    private static readonly TimeSpan GlobalSpan = DetectorSettings.MaxWindow + Baseline;

    private readonly ConcurrentDictionary<string, SlidingWindowCounter> _subjectFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SlidingWindowCounter> _ipFailures = new(StringComparer.Ordinal);
    private readonly SlidingWindowCounter _failures = new(GlobalSpan);
    private readonly SlidingWindowCounter _triggers = new(GlobalSpan);
    private readonly Dictionary<(string Detector, string Key), DateTimeOffset> _raised = [];

    /// <summary>Failed verifications of <paramref name="subjectKey"/> in the last hour.</summary>
    public long SubjectFailuresLastHour(string subjectKey, DateTimeOffset now) =>
        _subjectFailures.TryGetValue(subjectKey, out var counter) ? counter.Count(now, RiskWindow) : 0;

    /// <summary>Failed verifications from <paramref name="ip"/> (any subject) in the last hour.</summary>
    public long IpFailuresLastHour(string? ip, DateTimeOffset now) =>
        ip is not null && _ipFailures.TryGetValue(ip, out var counter) ? counter.Count(now, RiskWindow) : 0;

    /// <summary>Counts a failed verification and returns what it raised (<c>subject_failures</c>, <c>ip_failures</c>, <c>failure_spike</c>).</summary>
    public IReadOnlyList<Alert> OnFailure(string app, string subjectId, string subjectKey, string? ip, DateTimeOffset now, IReadOnlyDictionary<string, DetectorSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        List<Alert>? raised = null;
        var subjectCount = Count(_subjectFailures, subjectKey, now, Setting(settings, SubjectFailures).Window ?? TimeSpan.FromMinutes(10));
        Threshold(settings, SubjectFailures, subjectKey, subjectCount, 5, TimeSpan.FromMinutes(10), now, ref raised, app, subjectId, ip);
        if (ip is not null)
        {
            var ipCount = Count(_ipFailures, ip, now, Setting(settings, IpFailures).Window ?? TimeSpan.FromMinutes(10));
            Threshold(settings, IpFailures, ip, ipCount, 20, TimeSpan.FromMinutes(10), now, ref raised, null, null, ip);
        }

        _failures.Add(now);
        Spike(settings, FailureSpike, _failures, now, ref raised);
        return raised ?? (IReadOnlyList<Alert>)[];
    }

    /// <summary>Counts a step-up trigger (a challenge created) and returns a <c>trigger_spike</c> if it raised one.</summary>
    public IReadOnlyList<Alert> OnTrigger(DateTimeOffset now, IReadOnlyDictionary<string, DetectorSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        List<Alert>? raised = null;
        _triggers.Add(now);
        Spike(settings, TriggerSpike, _triggers, now, ref raised);
        return raised ?? (IReadOnlyList<Alert>)[];
    }

    /// <summary>
    /// A decision denied by a rule that reads <c>context.geo</c> (<c>denied_region</c>) or carrying
    /// <c>risk.impossible_travel</c>: one alert per subject per window.
    /// </summary>
    public Alert? OnEvent(string detector, string app, string subjectId, string subjectKey, string? ip, DateTimeOffset now, IReadOnlyDictionary<string, DetectorSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var setting = Setting(settings, detector);
        var window = setting.Window ?? TimeSpan.FromMinutes(10);
        return setting.Enabled && TryMark(detector, subjectKey, now, window)
            ? new Alert(detector, subjectKey, 1, 1, window) { App = app, SubjectId = subjectId, Ip = ip }
            : null;
    }

    /// <summary>
    /// Counts a failed verification another node recorded (seen in the shared audit trail), so
    /// windows count failures from every node. Raises nothing: the node that saw it raises.
    /// </summary>
    public void CountRemoteFailure(string subjectKey, string? ip, DateTimeOffset at)
    {
        _subjectFailures.GetOrAdd(subjectKey, static _ => new SlidingWindowCounter(KeySpan)).Add(at);
        if (ip is not null)
        {
            _ipFailures.GetOrAdd(ip, static _ => new SlidingWindowCounter(KeySpan)).Add(at);
        }

        _failures.Add(at);
    }

    /// <summary>Counts a step-up trigger another node recorded.</summary>
    public void CountRemoteTrigger(DateTimeOffset at) => _triggers.Add(at);

    /// <summary>An alert another node raised: this node does not raise the same (detector, key) within its window.</summary>
    public void MarkRemoteAlert(string detector, string key, DateTimeOffset at, TimeSpan window)
    {
        lock (_raised)
        {
            if (!_raised.TryGetValue((detector, key), out var until) || until < at + window)
            {
                _raised[(detector, key)] = at + window;
            }
        }
    }

    /// <summary>Drops per-key windows with nothing in the last hour, and expired de-duplication marks.</summary>
    public void Prune(DateTimeOffset now)
    {
        var idleBefore = (int)(now.ToUnixTimeSeconds() / 60) - (int)KeySpan.TotalMinutes;
        foreach (var counters in (ReadOnlySpan<ConcurrentDictionary<string, SlidingWindowCounter>>)[_subjectFailures, _ipFailures])
        {
            foreach (var (key, counter) in counters)
            {
                if (counter.LastMinute < idleBefore)
                {
                    counters.TryRemove(key, out _);
                }
            }
        }

        lock (_raised)
        {
            foreach (var (key, until) in _raised.ToArray())
            {
                if (until <= now)
                {
                    _raised.Remove(key);
                }
            }
        }
    }

    /// <summary>Per-key windows held in memory (for sizing).</summary>
    public int KeyCount => _subjectFailures.Count + _ipFailures.Count;

    private static DetectorSettings Setting(IReadOnlyDictionary<string, DetectorSettings> settings, string detector) =>
        settings.TryGetValue(detector, out var setting) ? setting : new DetectorSettings();

    private static long Count(ConcurrentDictionary<string, SlidingWindowCounter> counters, string key, DateTimeOffset now, TimeSpan window)
    {
        var counter = counters.GetOrAdd(key, static _ => new SlidingWindowCounter(KeySpan));
        counter.Add(now);
        return counter.Count(now, window);
    }

    private void Threshold(IReadOnlyDictionary<string, DetectorSettings> settings, string detector, string key, long count,
        int defaultThreshold, TimeSpan defaultWindow, DateTimeOffset now, ref List<Alert>? raised, string? app, string? subjectId, string? ip)
    {
        var setting = Setting(settings, detector);
        var threshold = setting.Threshold ?? defaultThreshold;
        var window = setting.Window ?? defaultWindow;
        if (setting.Enabled && count >= threshold && TryMark(detector, key, now, window))
        {
            (raised ??= []).Add(new Alert(detector, key, count, threshold, window) { App = app, SubjectId = subjectId, Ip = ip });
        }
    }

    /// <summary>Count in the last window ≥ minimum and ≥ factor × the trailing hour's rate per window.</summary>
    private void Spike(IReadOnlyDictionary<string, DetectorSettings> settings, string detector, SlidingWindowCounter counter, DateTimeOffset now, ref List<Alert>? raised)
    {
        var setting = Setting(settings, detector);
        if (!setting.Enabled)
        {
            return;
        }

        var window = setting.Window ?? TimeSpan.FromMinutes(5);
        var minimum = setting.Minimum ?? setting.Threshold ?? 10;
        var factor = setting.Factor ?? 3;
        var recent = counter.Count(now, window);
        var baseline = counter.CountBetween(now, window, window + Baseline) * (window / Baseline);
        if (recent >= minimum && recent >= factor * baseline && TryMark(detector, "all", now, window))
        {
            (raised ??= []).Add(new Alert(detector, "all", recent, minimum, window) { Baseline = Math.Round(baseline, 2) });
        }
    }

    /// <summary>True (and marks it) when (detector, key) did not raise within the last window.</summary>
    private bool TryMark(string detector, string key, DateTimeOffset now, TimeSpan window)
    {
        lock (_raised)
        {
            if (_raised.TryGetValue((detector, key), out var until) && now < until)
            {
                return false;
            }

            _raised[(detector, key)] = now + window;
            return true;
        }
    }
}
