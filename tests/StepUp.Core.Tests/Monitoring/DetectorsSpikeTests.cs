using StepUp.Core.Monitoring;
using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Monitoring;

/// <summary><c>failure_spike</c> and <c>trigger_spike</c>: the last five minutes against the trailing hour's rate.</summary>
public sealed class DetectorsSpikeTests
{
    private static readonly DateTimeOffset T0 = DetectorsTests.T0;
    private static readonly IReadOnlyDictionary<string, DetectorSettings> Defaults = DetectorsTests.Defaults;

    /// <summary>One failure of a subject of its own, so only the spike can trip.</summary>
    private delegate IReadOnlyList<Alert> Record(Detectors detectors, DateTimeOffset at, IReadOnlyDictionary<string, DetectorSettings> settings);

    private static int _subjects;

    private static IReadOnlyList<Alert> Failure(Detectors detectors, DateTimeOffset at, IReadOnlyDictionary<string, DetectorSettings> settings)
    {
        var subject = $"s{Interlocked.Increment(ref _subjects)}";
        return detectors.OnFailure("bank", subject, "bank\u001f" + subject, null, at, settings);
    }

    private static IReadOnlyList<Alert> Trigger(Detectors detectors, DateTimeOffset at, IReadOnlyDictionary<string, DetectorSettings> settings) =>
        detectors.OnTrigger(at, settings);

    public static TheoryData<string> Spikes => [Detectors.FailureSpike, Detectors.TriggerSpike];

    private static Record RecordOf(string detector) => detector == Detectors.FailureSpike ? Failure : Trigger;

    /// <summary>Records <paramref name="times"/> events and returns the spikes of <paramref name="detector"/>, with the 1-based event that raised each.</summary>
    private static List<(int At, Alert Alert)> Burst(string detector, Detectors detectors, int times, DateTimeOffset at, IReadOnlyDictionary<string, DetectorSettings>? settings = null)
    {
        var record = RecordOf(detector);
        var spikes = new List<(int, Alert)>();
        for (var i = 1; i <= times; i++)
        {
            spikes.AddRange(record(detectors, at, settings ?? Defaults).Where(a => a.Detector == detector).Select(a => (i, a)));
        }

        return spikes;
    }

    /// <summary>120 events spread evenly (two a minute) over T0 … T0+59m: at T0+64m that hour is the baseline, 10 per 5 minutes.</summary>
    private static void BusyHour(string detector, Detectors detectors)
    {
        for (var minute = 0; minute < 60; minute++)
        {
            Burst(detector, detectors, 2, T0.AddMinutes(minute));
        }
    }

    [Theory]
    [MemberData(nameof(Spikes))]
    public void Spike_QuietHour_RaisesAtTheMinimumOfTen(string detector)
    {
        var detectors = new Detectors();

        var spikes = Burst(detector, detectors, 10, T0.AddSeconds(20));

        var (at, alert) = Assert.Single(spikes);
        Assert.Equal(10, at);
        Assert.Equal(detector, alert.Detector);
        Assert.Equal("all", alert.Key);
        Assert.Equal(10, alert.Count);
        Assert.Equal(10, alert.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(5), alert.Window);
        Assert.Equal(0, alert.Baseline);
        Assert.Null(alert.SubjectId);
        Assert.Null(alert.Ip);
        Assert.Equal(
            detector == Detectors.FailureSpike
                ? "failure spike: 10 failed verifications in 5m (trailing rate 0)"
                : "step-up spike: 10 step-ups in 5m (trailing rate 0)",
            alert.Title);
    }

    [Theory]
    [MemberData(nameof(Spikes))]
    public void Spike_QuietHour_CountsTheLastFiveMinutes(string detector)
    {
        var detectors = new Detectors();

        // Two a minute over T0 … T0+4m: the tenth is still inside the five-minute window.
        var spikes = new List<(int, Alert)>();
        for (var minute = 0; minute < 5; minute++)
        {
            spikes.AddRange(Burst(detector, detectors, 2, T0.AddMinutes(minute)));
        }

        Assert.Equal(10, Assert.Single(spikes).Item2.Count);
    }

    [Theory]
    [MemberData(nameof(Spikes))]
    public void Spike_QuietHour_DoesNotRaise_WhenTheTenAreSpreadWider(string detector)
    {
        var detectors = new Detectors();

        // Three every other minute (15 in all): no five-minute window holds more than nine.
        var spikes = new List<(int, Alert)>();
        for (var minute = 0; minute < 10; minute += 2)
        {
            spikes.AddRange(Burst(detector, detectors, 3, T0.AddMinutes(minute)));
        }

        Assert.Empty(spikes);
    }

    [Theory]
    [MemberData(nameof(Spikes))]
    public void Spike_BusyHour_25InFiveMinutes_DoesNotRaise_30Does(string detector)
    {
        var detectors = new Detectors();
        BusyHour(detector, detectors);
        var now = T0.AddMinutes(64);

        var first25 = Burst(detector, detectors, 25, now);
        var next5 = Burst(detector, detectors, 5, now.AddSeconds(30));

        Assert.Empty(first25); // 25 < 3 × 10
        var (at, alert) = Assert.Single(next5);
        Assert.Equal(5, at);
        Assert.Equal(30, alert.Count);
        Assert.Equal(10, alert.Baseline);
        Assert.Contains("in 5m (trailing rate 10)", alert.Title, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Spikes))]
    public void Spike_RaisesOncePerWindow_ThenComparesWithTheNewBaseline(string detector)
    {
        var detectors = new Detectors();

        var burst = Burst(detector, detectors, 63, T0);
        // Five minutes on, T0's 63 events are the trailing hour: 63 / 12 = 5.25 per window, × 3 = 15.75.
        var later = Burst(detector, detectors, 20, T0.AddMinutes(5));

        Assert.Equal(10, Assert.Single(burst).At);
        var (at, alert) = Assert.Single(later);
        Assert.Equal(16, at);
        Assert.Equal(5.25, alert.Baseline);
        Assert.Contains("(trailing rate 5.25)", alert.Title, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Spikes))]
    public void Spike_FollowsItsSettings(string detector)
    {
        var minimum3 = new Dictionary<string, DetectorSettings> { [detector] = new() { Minimum = 3 } };
        var threshold4 = new Dictionary<string, DetectorSettings> { [detector] = new() { Threshold = 4 } };
        var factor2 = new Dictionary<string, DetectorSettings> { [detector] = new() { Factor = 2 } };
        var disabled = new Dictionary<string, DetectorSettings> { [detector] = new() { Enabled = false } };
        var window10 = new Dictionary<string, DetectorSettings> { [detector] = new() { Window = TimeSpan.FromMinutes(10) } };

        Assert.Equal(3, Assert.Single(Burst(detector, new Detectors(), 20, T0, minimum3)).At);
        Assert.Equal(4, Assert.Single(Burst(detector, new Detectors(), 20, T0, threshold4)).Alert.Threshold);
        Assert.Empty(Burst(detector, new Detectors(), 200, T0, disabled));

        var busy = new Detectors();
        BusyHour(detector, busy);
        Assert.Equal(20, Assert.Single(Burst(detector, busy, 25, T0.AddMinutes(64), factor2)).At);

        // A ten-minute window: ten events spread over T0 … T0+9m raise; the alert says 10m.
        var wide = new Detectors();
        var spikes = new List<(int, Alert Alert)>();
        for (var minute = 0; minute < 10; minute++)
        {
            spikes.AddRange(Burst(detector, wide, 1, T0.AddMinutes(minute), window10));
        }

        Assert.Equal(TimeSpan.FromMinutes(10), Assert.Single(spikes).Alert.Window);
        Assert.Contains("in 10m", Assert.Single(spikes).Alert.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Spikes_CountFailuresAndTriggersApart()
    {
        var detectors = new Detectors();

        var failureSpikes = Burst(Detectors.FailureSpike, detectors, 50, T0);
        var triggerSpikes = Burst(Detectors.TriggerSpike, detectors, 9, T0);

        Assert.Single(failureSpikes);
        Assert.Empty(triggerSpikes);
        Assert.Single(Burst(Detectors.TriggerSpike, detectors, 1, T0));
    }

    [Fact]
    public void OnTrigger_RaisesOnlyTriggerSpikes()
    {
        var detectors = new Detectors();

        var alerts = Enumerable.Range(0, 100).SelectMany(_ => detectors.OnTrigger(T0, Defaults)).ToList();

        Assert.Equal(Detectors.TriggerSpike, Assert.Single(alerts).Detector);
        Assert.Equal(0, detectors.KeyCount);
    }
}
