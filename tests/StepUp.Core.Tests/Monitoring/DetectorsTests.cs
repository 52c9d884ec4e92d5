using StepUp.Core.Monitoring;
using StepUp.Core.Policy;

namespace StepUp.Core.Tests.Monitoring;

public sealed class DetectorsTests
{
    private const string App = "bank";
    private const string Ip = "203.0.113.7";

    // A minute boundary: 2026-01-05T12:00:00Z.
    internal static readonly DateTimeOffset T0 = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    internal static readonly IReadOnlyDictionary<string, DetectorSettings> Defaults = new Dictionary<string, DetectorSettings>();

    /// <summary>The server's subject key shape: app, unit separator, subject id.</summary>
    private static string KeyOf(string subject) => App + '\u001f' + subject;

    private static IReadOnlyList<Alert> Fail(Detectors detectors, string subject, string? ip, DateTimeOffset at, IReadOnlyDictionary<string, DetectorSettings>? settings = null) =>
        detectors.OnFailure(App, subject, KeyOf(subject), ip, at, settings ?? Defaults);

    private static List<Alert> FailTimes(Detectors detectors, int times, string subject, string? ip, DateTimeOffset at, IReadOnlyDictionary<string, DetectorSettings>? settings = null)
    {
        var alerts = new List<Alert>();
        for (var i = 0; i < times; i++)
        {
            alerts.AddRange(Fail(detectors, subject, ip, at, settings));
        }

        return alerts;
    }

    private static List<Alert> Of(IEnumerable<Alert> alerts, string detector) => [.. alerts.Where(a => a.Detector == detector)];

    [Fact]
    public void SubjectFailures_RaisesAtExactlyFive_WithTheWindowCounts()
    {
        var detectors = new Detectors();

        var quiet = FailTimes(detectors, 4, "alice", null, T0);
        var alerts = Fail(detectors, "alice", null, T0.AddSeconds(30));

        Assert.Empty(quiet);
        var alert = Assert.Single(alerts);
        Assert.Equal(Detectors.SubjectFailures, alert.Detector);
        Assert.Equal(KeyOf("alice"), alert.Key);
        Assert.Equal(5, alert.Count);
        Assert.Equal(5, alert.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(10), alert.Window);
        Assert.Equal(App, alert.App);
        Assert.Equal("alice", alert.SubjectId);
        Assert.Null(alert.Ip);
        Assert.Null(alert.Baseline);
        Assert.Equal("5 failed verifications for subject alice in 10m", alert.Title);
    }

    [Fact]
    public void SubjectFailures_RaisesOncePerWindow_ThenAgainAfterIt()
    {
        var detectors = new Detectors();
        var first = Of(FailTimes(detectors, 5, "alice", null, T0), Detectors.SubjectFailures);

        var sameWindow = new List<Alert>();
        sameWindow.AddRange(FailTimes(detectors, 3, "alice", null, T0.AddMinutes(1)));
        sameWindow.AddRange(FailTimes(detectors, 5, "alice", null, T0.AddMinutes(9).AddSeconds(59)));
        var afterWindow = Of(FailTimes(detectors, 5, "alice", null, T0.AddMinutes(10)), Detectors.SubjectFailures);

        Assert.Single(first);
        Assert.Empty(Of(sameWindow, Detectors.SubjectFailures));
        var again = Assert.Single(afterWindow);
        Assert.Equal(KeyOf("alice"), again.Key);
        // The window at T0+10m still holds the failures of T0+1m and T0+9m.
        Assert.Equal(3 + 5 + 1, again.Count);
    }

    [Fact]
    public void SubjectFailures_AfterTheDedupWindow_NeedsTheThresholdAgain()
    {
        var detectors = new Detectors();
        FailTimes(detectors, 5, "alice", null, T0);

        Assert.Empty(FailTimes(detectors, 4, "alice", null, T0.AddMinutes(10)));
        Assert.Single(Fail(detectors, "alice", null, T0.AddMinutes(10).AddSeconds(1)));
    }

    [Fact]
    public void SubjectFailures_FourThenOneElevenMinutesLater_DoesNotRaise()
    {
        var detectors = new Detectors();

        var alerts = FailTimes(detectors, 4, "alice", null, T0);
        alerts.AddRange(Fail(detectors, "alice", null, T0.AddMinutes(11)));

        Assert.Empty(alerts);
    }

    [Fact]
    public void SubjectFailures_CountsEachSubjectApart()
    {
        var detectors = new Detectors();

        var alerts = new List<Alert>();
        for (var i = 0; i < 4; i++)
        {
            alerts.AddRange(Fail(detectors, "alice", null, T0));
            alerts.AddRange(Fail(detectors, "bob", null, T0));
        }

        Assert.Empty(alerts);
        Assert.Equal(KeyOf("bob"), Assert.Single(Fail(detectors, "bob", null, T0)).Key);
        // The tenth failure overall also trips failure_spike (quiet baseline): only the subject's alert matters here.
        Assert.Equal(KeyOf("alice"), Assert.Single(Of(Fail(detectors, "alice", null, T0), Detectors.SubjectFailures)).Key);
    }

    [Fact]
    public void SubjectFailures_SpreadOverTheWindow_Raise()
    {
        var detectors = new Detectors();

        // One failure every two minutes: T0, +2, +4, +6, +8 are all within the ten-minute window at +8.
        var alerts = new List<Alert>();
        for (var minute = 0; minute <= 8; minute += 2)
        {
            alerts.AddRange(Fail(detectors, "alice", null, T0.AddMinutes(minute)));
        }

        Assert.Equal(5, Assert.Single(alerts).Count);
    }

    [Fact]
    public void IpFailures_RaiseAtTwenty_AcrossSubjects()
    {
        var detectors = new Detectors();
        var settings = new Dictionary<string, DetectorSettings> { [Detectors.FailureSpike] = new() { Enabled = false } };

        var quiet = new List<Alert>();
        for (var i = 0; i < 19; i++)
        {
            quiet.AddRange(Fail(detectors, $"user{i}", Ip, T0.AddSeconds(i), settings));
        }

        var alerts = Fail(detectors, "user19", Ip, T0.AddSeconds(19), settings);

        Assert.Empty(quiet);
        var alert = Assert.Single(alerts);
        Assert.Equal(Detectors.IpFailures, alert.Detector);
        Assert.Equal(Ip, alert.Key);
        Assert.Equal(Ip, alert.Ip);
        Assert.Equal(20, alert.Count);
        Assert.Equal(20, alert.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(10), alert.Window);
        Assert.Null(alert.SubjectId);
        Assert.Equal("20 failed verifications from 203.0.113.7 in 10m", alert.Title);
        Assert.Empty(Fail(detectors, "user20", Ip, T0.AddMinutes(5), settings));
    }

    [Fact]
    public void IpFailures_CountEachAddressApart_AndIgnoreAMissingOne()
    {
        var detectors = new Detectors();
        var settings = new Dictionary<string, DetectorSettings>
        {
            [Detectors.FailureSpike] = new() { Enabled = false },
            [Detectors.SubjectFailures] = new() { Enabled = false },
        };

        var alerts = new List<Alert>();
        for (var i = 0; i < 19; i++)
        {
            alerts.AddRange(Fail(detectors, "alice", Ip, T0, settings));
            alerts.AddRange(Fail(detectors, "alice", "2001:db8::1", T0, settings));
            alerts.AddRange(Fail(detectors, "alice", null, T0, settings));
        }

        Assert.Empty(alerts);
        Assert.Equal(0, detectors.IpFailuresLastHour(null, T0));
        Assert.Equal(19, detectors.IpFailuresLastHour("2001:db8::1", T0));
        Assert.Equal(57, detectors.SubjectFailuresLastHour(KeyOf("alice"), T0));
        Assert.Equal(3, detectors.KeyCount);
    }

    [Fact]
    public void Settings_OverrideThresholdAndWindow()
    {
        var detectors = new Detectors();
        var settings = new Dictionary<string, DetectorSettings>
        {
            [Detectors.SubjectFailures] = new() { Threshold = 3, Window = TimeSpan.FromMinutes(2) },
            [Detectors.IpFailures] = new() { Threshold = 2, Window = TimeSpan.FromMinutes(1) },
        };

        // Two failures, then the third two minutes later: the two-minute window no longer holds the first two.
        var late = FailTimes(detectors, 2, "alice", null, T0, settings);
        late.AddRange(Fail(detectors, "alice", null, T0.AddMinutes(2), settings));
        var inTime = FailTimes(detectors, 2, "alice", null, T0.AddMinutes(3), settings);

        Assert.Empty(late);
        var alert = Assert.Single(inTime);
        Assert.Equal(3, alert.Count);
        Assert.Equal(3, alert.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(2), alert.Window);
        Assert.Equal("3 failed verifications for subject alice in 2m", alert.Title);

        Assert.Empty(Fail(detectors, "bob", "198.51.100.9", T0.AddMinutes(10), settings));
        var ip = Assert.Single(Fail(detectors, "carol", "198.51.100.9", T0.AddMinutes(10), settings));
        Assert.Equal((Detectors.IpFailures, 2L, 2L), (ip.Detector, ip.Count, ip.Threshold));
        Assert.Equal("2 failed verifications from 198.51.100.9 in 1m", ip.Title);
    }

    [Fact]
    public void Settings_DedupFollowsTheConfiguredWindow()
    {
        var detectors = new Detectors();
        var settings = new Dictionary<string, DetectorSettings>
        {
            [Detectors.SubjectFailures] = new() { Threshold = 2, Window = TimeSpan.FromMinutes(3) },
        };

        Assert.Single(FailTimes(detectors, 2, "alice", null, T0, settings));
        Assert.Empty(FailTimes(detectors, 2, "alice", null, T0.AddMinutes(2).AddSeconds(59), settings));
        Assert.Single(Fail(detectors, "alice", null, T0.AddMinutes(3), settings));
    }

    [Fact]
    public void Settings_DisabledDetectors_RaiseNothing_ButStillCount()
    {
        var detectors = new Detectors();
        var settings = new Dictionary<string, DetectorSettings>
        {
            [Detectors.SubjectFailures] = new() { Enabled = false },
            [Detectors.IpFailures] = new() { Enabled = false },
            [Detectors.FailureSpike] = new() { Enabled = false },
        };

        var alerts = FailTimes(detectors, 50, "alice", Ip, T0, settings);

        Assert.Empty(alerts);
        Assert.Equal(50, detectors.SubjectFailuresLastHour(KeyOf("alice"), T0));
        Assert.Equal(50, detectors.IpFailuresLastHour(Ip, T0));
        // Enabled again, the counts already there trip it at once.
        Assert.Contains(Fail(detectors, "alice", Ip, T0, Defaults), a => a.Detector == Detectors.SubjectFailures && a.Count == 51);
    }

    [Theory]
    [InlineData(Detectors.DeniedRegion, "request from a denied region for subject alice")]
    [InlineData(Detectors.ImpossibleTravel, "impossible travel for subject alice")]
    public void OnEvent_RaisesOncePerSubjectPerWindow(string detector, string title)
    {
        var detectors = new Detectors();

        var first = detectors.OnEvent(detector, App, "alice", KeyOf("alice"), Ip, T0, Defaults);
        var repeat = detectors.OnEvent(detector, App, "alice", KeyOf("alice"), Ip, T0.AddMinutes(9).AddSeconds(59), Defaults);
        var other = detectors.OnEvent(detector, App, "bob", KeyOf("bob"), Ip, T0.AddMinutes(1), Defaults);
        var later = detectors.OnEvent(detector, App, "alice", KeyOf("alice"), Ip, T0.AddMinutes(10), Defaults);

        Assert.NotNull(first);
        Assert.Equal(detector, first.Detector);
        Assert.Equal(KeyOf("alice"), first.Key);
        Assert.Equal((1L, 1L), (first.Count, first.Threshold));
        Assert.Equal(TimeSpan.FromMinutes(10), first.Window);
        Assert.Equal((App, "alice", Ip), (first.App, first.SubjectId, first.Ip));
        Assert.Equal(title, first.Title);
        Assert.Null(repeat);
        Assert.Equal(KeyOf("bob"), other?.Key);
        Assert.NotNull(later);
    }

    [Fact]
    public void OnEvent_DetectorsDedupApart()
    {
        var detectors = new Detectors();

        Assert.NotNull(detectors.OnEvent(Detectors.DeniedRegion, App, "alice", KeyOf("alice"), Ip, T0, Defaults));
        Assert.NotNull(detectors.OnEvent(Detectors.ImpossibleTravel, App, "alice", KeyOf("alice"), Ip, T0, Defaults));
    }

    [Fact]
    public void OnEvent_FollowsItsSettings()
    {
        var detectors = new Detectors();
        var settings = new Dictionary<string, DetectorSettings>
        {
            [Detectors.DeniedRegion] = new() { Enabled = false },
            [Detectors.ImpossibleTravel] = new() { Window = TimeSpan.FromMinutes(30) },
        };

        Assert.Null(detectors.OnEvent(Detectors.DeniedRegion, App, "alice", KeyOf("alice"), Ip, T0, settings));
        var travel = detectors.OnEvent(Detectors.ImpossibleTravel, App, "alice", KeyOf("alice"), null, T0, settings);
        Assert.Equal(TimeSpan.FromMinutes(30), travel?.Window);
        Assert.Null(travel?.Ip);
        Assert.Null(detectors.OnEvent(Detectors.ImpossibleTravel, App, "alice", KeyOf("alice"), null, T0.AddMinutes(29), settings));
        Assert.NotNull(detectors.OnEvent(Detectors.ImpossibleTravel, App, "alice", KeyOf("alice"), null, T0.AddMinutes(30), settings));
    }

    [Fact]
    public void OnEventAndOnFailure_RefuseNullSettings()
    {
        var detectors = new Detectors();

        Assert.Throws<ArgumentNullException>(() => detectors.OnEvent(Detectors.DeniedRegion, App, "alice", KeyOf("alice"), null, T0, null!));
        Assert.Throws<ArgumentNullException>(() => detectors.OnFailure(App, "alice", KeyOf("alice"), null, T0, null!));
        Assert.Throws<ArgumentNullException>(() => detectors.OnTrigger(T0, null!));
    }

    [Fact]
    public void FailuresLastHour_CountTheTrailingSixtyMinutes()
    {
        var detectors = new Detectors();
        Fail(detectors, "alice", Ip, T0);
        Fail(detectors, "alice", Ip, T0.AddMinutes(30));
        Fail(detectors, "bob", Ip, T0.AddMinutes(59));

        Assert.Equal(2, detectors.SubjectFailuresLastHour(KeyOf("alice"), T0.AddMinutes(59)));
        Assert.Equal(3, detectors.IpFailuresLastHour(Ip, T0.AddMinutes(59)));
        Assert.Equal(1, detectors.SubjectFailuresLastHour(KeyOf("alice"), T0.AddMinutes(60)));
        Assert.Equal(2, detectors.IpFailuresLastHour(Ip, T0.AddMinutes(60)));
        Assert.Equal(0, detectors.SubjectFailuresLastHour(KeyOf("alice"), T0.AddMinutes(90)));
        Assert.Equal(0, detectors.SubjectFailuresLastHour(KeyOf("nobody"), T0));
        Assert.Equal(0, detectors.IpFailuresLastHour("192.0.2.1", T0));
        Assert.Equal(0, detectors.IpFailuresLastHour(null, T0));
    }

    [Fact]
    public void FailuresLastHour_AreNotLimitedByTheDetectorWindow()
    {
        var detectors = new Detectors();
        var settings = new Dictionary<string, DetectorSettings> { [Detectors.SubjectFailures] = new() { Window = TimeSpan.FromMinutes(1) } };
        Fail(detectors, "alice", null, T0, settings);
        Fail(detectors, "alice", null, T0.AddMinutes(45), settings);

        Assert.Equal(2, detectors.SubjectFailuresLastHour(KeyOf("alice"), T0.AddMinutes(45)));
    }

    [Fact]
    public void Prune_DropsIdleKeys_AndKeepsActiveOnes()
    {
        var detectors = new Detectors();
        Fail(detectors, "idle", "192.0.2.1", T0);
        Fail(detectors, "active", "192.0.2.2", T0.AddMinutes(50));
        Assert.Equal(4, detectors.KeyCount);

        detectors.Prune(T0.AddMinutes(30));
        Assert.Equal(4, detectors.KeyCount);

        detectors.Prune(T0.AddMinutes(62));

        Assert.Equal(2, detectors.KeyCount);
        Assert.Equal(0, detectors.SubjectFailuresLastHour(KeyOf("idle"), T0.AddMinutes(62)));
        Assert.Equal(1, detectors.SubjectFailuresLastHour(KeyOf("active"), T0.AddMinutes(62)));
        Assert.Equal(1, detectors.IpFailuresLastHour("192.0.2.2", T0.AddMinutes(62)));

        detectors.Prune(T0.AddMinutes(50 + 62));
        Assert.Equal(0, detectors.KeyCount);
    }

    [Fact]
    public void Prune_KeepsDedup_UntilTheWindowEnds()
    {
        var detectors = new Detectors();
        Assert.NotNull(detectors.OnEvent(Detectors.DeniedRegion, App, "alice", KeyOf("alice"), null, T0, Defaults));

        detectors.Prune(T0.AddMinutes(5));
        Assert.Null(detectors.OnEvent(Detectors.DeniedRegion, App, "alice", KeyOf("alice"), null, T0.AddMinutes(6), Defaults));

        detectors.Prune(T0.AddMinutes(20));
        Assert.NotNull(detectors.OnEvent(Detectors.DeniedRegion, App, "alice", KeyOf("alice"), null, T0.AddMinutes(20), Defaults));
    }

    [Fact]
    public void Prune_ThenNewFailures_CountFromZero()
    {
        var detectors = new Detectors();
        FailTimes(detectors, 4, "alice", null, T0);
        detectors.Prune(T0.AddHours(2));
        Assert.Equal(0, detectors.KeyCount);

        Assert.Empty(FailTimes(detectors, 4, "alice", null, T0.AddHours(2)));
        Assert.Single(Fail(detectors, "alice", null, T0.AddHours(2)));
    }

    [Fact]
    public void OnFailure_FromManyThreads_CountsEveryFailure_AndRaisesOncePerKey()
    {
        var detectors = new Detectors();
        var alerts = new System.Collections.Concurrent.ConcurrentBag<Alert>();

        Parallel.For(0, 8_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            foreach (var alert in detectors.OnFailure(App, $"user{i % 40}", KeyOf($"user{i % 40}"), $"198.51.100.{i % 4}", T0.AddSeconds(i % 60), Defaults))
            {
                alerts.Add(alert);
            }

            if (i % 10 == 0)
            {
                detectors.OnTrigger(T0.AddSeconds(i % 60), Defaults);
            }
        });

        Assert.Equal(40, Of(alerts, Detectors.SubjectFailures).Count);
        Assert.Equal(4, Of(alerts, Detectors.IpFailures).Count);
        Assert.Single(Of(alerts, Detectors.FailureSpike));
        Assert.Equal(200, detectors.SubjectFailuresLastHour(KeyOf("user0"), T0.AddMinutes(1)));
        Assert.Equal(2_000, detectors.IpFailuresLastHour("198.51.100.3", T0.AddMinutes(1)));
        Assert.Equal(44, detectors.KeyCount);
    }
}
