using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Risk;

public sealed class RiskEngineTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly RiskEngine Engine = new(RiskSettings.Default);
    private static readonly Location London = RiskEngineDistanceTests.London;
    private static readonly Location Changchun = RiskEngineDistanceTests.Changchun;

    private static RiskObservation Observe(string? device = null, string? ip = null, string? country = null, Location? at = null, DateTimeOffset? now = null) =>
        new(device, ip, country, at?.Latitude, at?.Longitude, now ?? Now);

    private static RiskSignals Assess(SubjectRiskProfile profile, RiskObservation observation, RiskEngine? engine = null) =>
        (engine ?? Engine).Assess(profile, observation, 0, 0, anonymousIp: false);

    private static SubjectRiskProfile KnownPlace(string ip = "81.2.69.142", string country = "GB", DateTimeOffset? at = null)
    {
        var profile = new SubjectRiskProfile();
        RiskEngine.Learn(profile, Observe(ip: ip, country: country, now: at ?? Now.AddDays(-1)), verifiedDevice: false);
        return profile;
    }

    [Fact]
    public void Assess_EmptyProfileAndNoInputs_FiresNothing()
    {
        var signals = Assess(new SubjectRiskProfile(), Observe());

        Assert.Equal(RiskSignals.None, signals);
        Assert.Empty(signals.Fired);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Assess_NewDevice_DoesNotFire_WithoutADeviceId(string? device)
    {
        Assert.False(Assess(new SubjectRiskProfile(), Observe(device: device)).NewDevice);
    }

    [Fact]
    public void Assess_NewDevice_Fires_ForADeviceNeverVerified()
    {
        var profile = new SubjectRiskProfile();
        RiskEngine.Learn(profile, Observe(device: "laptop", now: Now.AddDays(-1)), verifiedDevice: true);

        var signals = Assess(profile, Observe(device: "phone"));

        Assert.True(signals.NewDevice);
        Assert.Equal(["new_device"], signals.Fired);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(89, false)]
    [InlineData(90, false)] // exactly Memory ago: still known
    [InlineData(91, true)]
    [InlineData(400, true)]
    public void Assess_NewDevice_FiresOnlyWhenLastVerifiedBeforeMemory(int daysAgo, bool expected)
    {
        var profile = new SubjectRiskProfile();
        RiskEngine.Learn(profile, Observe(device: "laptop", now: Now.AddDays(-daysAgo)), verifiedDevice: true);

        Assert.Equal(expected, Assess(profile, Observe(device: "laptop")).NewDevice);
    }

    [Fact]
    public void Assess_NewDevice_FiresOneSecondPastMemory()
    {
        var profile = new SubjectRiskProfile();
        RiskEngine.Learn(profile, Observe(device: "laptop", now: Now - RiskSettings.Default.Memory - TimeSpan.FromSeconds(1)), verifiedDevice: true);

        Assert.True(Assess(profile, Observe(device: "laptop")).NewDevice);
    }

    [Fact]
    public void Assess_UsesTheConfiguredMemory()
    {
        var engine = new RiskEngine(RiskSettings.Default with { Memory = TimeSpan.FromDays(7) });
        var profile = new SubjectRiskProfile();
        RiskEngine.Learn(profile, Observe(device: "laptop", ip: "81.2.69.142", country: "GB", now: Now.AddDays(-8)), verifiedDevice: true);

        var signals = Assess(profile, Observe(device: "laptop", ip: "81.2.69.142", country: "GB"), engine);

        Assert.True(signals.NewDevice);
        Assert.True(signals.NewIp);
        Assert.True(signals.NewCountry);
        Assert.False(Assess(profile, Observe(device: "laptop", ip: "81.2.69.142", country: "GB")).NewDevice);
    }

    [Fact]
    public void Assess_NewCountryAndNewIp_DoNotFire_WithoutAnyPlaceHistory()
    {
        var profile = new SubjectRiskProfile();
        RiskEngine.Learn(profile, Observe(device: "laptop", now: Now.AddDays(-1)), verifiedDevice: true);

        var signals = Assess(profile, Observe(device: "laptop", ip: "81.2.69.142", country: "GB"));

        Assert.False(signals.NewCountry);
        Assert.False(signals.NewIp);
        Assert.False(signals.NewDevice);
    }

    [Fact]
    public void Assess_NewCountryAndNewIp_Fire_ForUnseenPlaces_OnceThereIsHistory()
    {
        var signals = Assess(KnownPlace(), Observe(ip: "5.6.7.8", country: "FR"));

        Assert.True(signals.NewCountry);
        Assert.True(signals.NewIp);
        Assert.Equal(["new_country", "new_ip"], signals.Fired);
        Assert.Equal(40, signals.Score);
    }

    [Fact]
    public void Assess_KnownPlace_FiresNothing_AndCountryIgnoresCase()
    {
        var signals = Assess(KnownPlace(), Observe(ip: "81.2.69.142", country: "gb"));

        Assert.False(signals.NewCountry);
        Assert.False(signals.NewIp);
    }

    [Fact]
    public void Assess_NewIpInAKnownCountry_FiresOnlyNewIp()
    {
        var signals = Assess(KnownPlace(), Observe(ip: "81.2.69.143", country: "GB"));

        Assert.False(signals.NewCountry);
        Assert.True(signals.NewIp);
    }

    [Fact]
    public void Assess_AbsentCountryOrIp_IsNotGuessed()
    {
        var signals = Assess(KnownPlace(), Observe(ip: "", country: null));

        Assert.False(signals.NewCountry);
        Assert.False(signals.NewIp);
    }

    [Fact]
    public void Assess_PlaceOlderThanMemory_IsNewAgain()
    {
        var signals = Assess(KnownPlace(at: Now.AddDays(-91)), Observe(ip: "81.2.69.142", country: "GB"));

        Assert.True(signals.NewCountry);
        Assert.True(signals.NewIp);
    }

    [Fact]
    public void Assess_DoesNotLearnPlacesOrDevices()
    {
        var profile = KnownPlace();

        Assess(profile, Observe(device: "laptop", ip: "5.6.7.8", country: "FR"));
        var again = Assess(profile, Observe(device: "laptop", ip: "5.6.7.8", country: "FR"));

        Assert.True(again.NewDevice);
        Assert.True(again.NewIp);
        Assert.True(again.NewCountry);
    }

    [Fact]
    public void Assess_RecordsTheLocation_AndFirstLocationIsNeverTravel()
    {
        var profile = new SubjectRiskProfile();

        var signals = Assess(profile, Observe(at: London));

        Assert.False(signals.ImpossibleTravel);
        Assert.Equal(0, signals.TravelSpeedKmh);
        Assert.Equal(London with { AtUnix = Now.ToUnixTimeSeconds() }, profile.LastLocation);
        Assert.True(profile.Dirty);
    }

    [Fact]
    public void Assess_WithoutALocation_KeepsThePreviousOne_AndLeavesTheProfileClean()
    {
        var profile = new SubjectRiskProfile();
        Assess(profile, Observe(at: London));
        profile.MarkSaved();

        var signals = Assess(profile, new RiskObservation(null, null, null, 43.88, null, Now.AddMinutes(1)));

        Assert.False(signals.ImpossibleTravel);
        Assert.Equal(0, signals.TravelSpeedKmh);
        Assert.Equal(Now.ToUnixTimeSeconds(), profile.LastLocation!.Value.AtUnix);
        Assert.False(profile.Dirty);
    }

    [Fact]
    public void Assess_LondonThenChangchunAnHourLater_IsImpossibleTravel()
    {
        var profile = new SubjectRiskProfile();
        Assess(profile, Observe(at: London));

        var signals = Assess(profile, Observe(at: Changchun, now: Now.AddHours(1)));

        var km = RiskEngineDistanceTests.Haversine(London.Latitude, London.Longitude, Changchun.Latitude, Changchun.Longitude);
        Assert.True(signals.ImpossibleTravel);
        Assert.Equal(Math.Round(km, 1), signals.TravelSpeedKmh, 0.1);
        Assert.Equal(["impossible_travel"], signals.Fired);
        Assert.Equal(60, signals.Score);
        Assert.Equal("medium", signals.Level);
        Assert.Equal(Changchun with { AtUnix = Now.AddHours(1).ToUnixTimeSeconds() }, profile.LastLocation);
    }

    [Fact]
    public void Assess_LondonThenChangchunTenHoursLater_ReportsTheSpeedButIsNotImpossible()
    {
        var profile = new SubjectRiskProfile();
        Assess(profile, Observe(at: London));

        var signals = Assess(profile, Observe(at: Changchun, now: Now.AddHours(10)));

        Assert.False(signals.ImpossibleTravel);
        Assert.Equal(Math.Round(RiskEngine.DistanceKm(London, Changchun) / 10, 1), signals.TravelSpeedKmh);
        Assert.InRange(signals.TravelSpeedKmh, 800, 830);
        Assert.Equal(0, signals.Score);
    }

    [Fact]
    public void Assess_ImpossibleTravel_FiresOnlyAboveTheThreshold()
    {
        var speed = RiskEngine.DistanceKm(London, Changchun) / 10; // compared unrounded

        Assert.False(Travel(RiskSettings.Default with { ImpossibleTravelKmh = speed }).ImpossibleTravel);
        Assert.True(Travel(RiskSettings.Default with { ImpossibleTravelKmh = speed - 0.01 }).ImpossibleTravel);

        static RiskSignals Travel(RiskSettings settings)
        {
            var engine = new RiskEngine(settings);
            var profile = new SubjectRiskProfile();
            Assess(profile, Observe(at: London), engine);
            return Assess(profile, Observe(at: Changchun, now: Now.AddHours(10)), engine);
        }
    }

    [Fact]
    public void Assess_ShortMoves_AreNeverTravel_EvenWithinOneSecond()
    {
        var nearby = new Location(London.Latitude + 0.45, London.Longitude, 0); // about 50 km north
        var profile = new SubjectRiskProfile();
        Assess(profile, Observe(at: London));

        var signals = Assess(profile, Observe(at: nearby, now: Now.AddSeconds(1)));

        Assert.InRange(RiskEngine.DistanceKm(London, nearby), 45, 55);
        Assert.False(signals.ImpossibleTravel);
        Assert.Equal(0, signals.TravelSpeedKmh);
    }

    [Fact]
    public void Assess_MinTravelKm_IsInclusive()
    {
        var nearby = new Location(London.Latitude + 0.45, London.Longitude, 0);
        var km = RiskEngine.DistanceKm(London, nearby);

        Assert.True(Travel(km).ImpossibleTravel);
        Assert.False(Travel(km + 0.001).ImpossibleTravel);

        RiskSignals Travel(double minTravelKm)
        {
            var engine = new RiskEngine(RiskSettings.Default with { MinTravelKm = minTravelKm });
            var profile = new SubjectRiskProfile();
            Assess(profile, Observe(at: London), engine);
            return Assess(profile, Observe(at: nearby, now: Now.AddMinutes(1)), engine);
        }
    }

    [Fact]
    public void Assess_SameInstant_CountsAsOneSecond()
    {
        var profile = new SubjectRiskProfile();
        Assess(profile, Observe(at: London));

        var signals = Assess(profile, Observe(at: Changchun));

        Assert.True(signals.ImpossibleTravel);
        Assert.Equal(Math.Round(RiskEngine.DistanceKm(London, Changchun) * 3600, 1), signals.TravelSpeedKmh);
        Assert.True(double.IsFinite(signals.TravelSpeedKmh));
    }

    [Fact]
    public void Assess_ComparesWithTheLastLocatedEvent()
    {
        var profile = new SubjectRiskProfile();
        Assess(profile, Observe(at: London));
        Assess(profile, Observe(at: Changchun, now: Now.AddHours(20)));

        // Back to London an hour later: measured from Changchun, not from the first London sighting.
        var signals = Assess(profile, Observe(at: London, now: Now.AddHours(21)));

        Assert.True(signals.ImpossibleTravel);
    }

    [Fact]
    public void Assess_LocationRestoredFromStorage_CountsForTravel()
    {
        var profile = new SubjectRiskProfile();
        profile.Locate(London with { AtUnix = Now.ToUnixTimeSeconds() });
        var restored = SubjectRiskProfile.Deserialize(profile.Serialize());

        Assert.True(Assess(restored, Observe(at: Changchun, now: Now.AddHours(2))).ImpossibleTravel);
    }

    [Theory]
    [InlineData(null, 0L, 0L, false, 0L, "low")]
    [InlineData(null, 3L, 0L, false, 30L, "low")]
    [InlineData(null, 3L, 1L, false, 35L, "low")]
    [InlineData(null, 3L, 2L, false, 40L, "medium")]
    [InlineData(null, 0L, 0L, true, 40L, "medium")]
    [InlineData("d", 0L, 0L, false, 40L, "medium")]
    [InlineData("d", 2L, 1L, false, 65L, "medium")]
    [InlineData("d", 2L, 5L, false, 85L, "high")]
    [InlineData("d", 3L, 0L, false, 70L, "high")]
    [InlineData("d", 0L, 0L, true, 80L, "high")]
    [InlineData(null, 0L, 19L, false, 95L, "high")]
    [InlineData(null, 0L, 20L, false, 100L, "high")]
    [InlineData("d", 100L, 100L, true, 100L, "high")]
    [InlineData(null, long.MaxValue, long.MaxValue, false, 100L, "high")]
    public void Assess_Score_IsTheClampedSumOfWeights(string? device, long failures, long ipFailures, bool anonymous, long score, string level)
    {
        var signals = Engine.Assess(new SubjectRiskProfile(), Observe(device: device), failures, ipFailures, anonymous);

        Assert.Equal(score, signals.Score);
        Assert.Equal(level, signals.Level);
        Assert.Equal(failures, signals.Failures1h);
        Assert.Equal(ipFailures, signals.IpFailures1h);
        Assert.Equal(anonymous, signals.AnonymousIp);
        Assert.Equal(failures > 0, signals.Fired.Contains("failures_1h"));
        Assert.Equal(ipFailures > 0, signals.Fired.Contains("ip_failures_1h"));
        Assert.Equal(anonymous, signals.Fired.Contains("anonymous_ip"));
    }

    [Fact]
    public void Assess_EverySignal_ScoresAtMost100()
    {
        var profile = KnownPlace();
        Assess(profile, Observe(at: London));

        var signals = Engine.Assess(profile, Observe(device: "new", ip: "5.6.7.8", country: "CN", at: Changchun, now: Now.AddMinutes(30)), 2, 3, anonymousIp: true);

        Assert.Equal(["new_device", "new_country", "new_ip", "impossible_travel", "anonymous_ip", "failures_1h", "ip_failures_1h"], signals.Fired);
        Assert.Equal(100, signals.Score);
        Assert.Equal("high", signals.Level);
    }

    [Fact]
    public void Assess_UsesTheConfiguredWeights()
    {
        var engine = new RiskEngine(new RiskSettings
        {
            NewDeviceWeight = 1,
            NewCountryWeight = 2,
            NewIpWeight = 4,
            ImpossibleTravelWeight = 8,
            AnonymousIpWeight = 16,
            FailureWeight = 3,
            IpFailureWeight = 7,
        });
        var profile = KnownPlace();
        Assess(profile, Observe(at: London), engine);

        var all = engine.Assess(profile, Observe(device: "new", ip: "5.6.7.8", country: "CN", at: Changchun, now: Now.AddMinutes(30)), 2, 1, anonymousIp: true);
        var some = engine.Assess(new SubjectRiskProfile(), Observe(device: "new"), 0, 2, anonymousIp: false);

        Assert.Equal(1 + 2 + 4 + 8 + 16 + 6 + 7, all.Score);
        Assert.Equal(1 + 14, some.Score);
    }

    [Theory]
    [InlineData(0L, "low")]
    [InlineData(39L, "low")]
    [InlineData(40L, "medium")]
    [InlineData(69L, "medium")]
    [InlineData(70L, "high")]
    [InlineData(100L, "high")]
    public void LevelOf_DefaultBoundaries(long score, string level)
    {
        Assert.Equal(level, RiskSettings.Default.LevelOf(score));
    }

    [Theory]
    [InlineData(0L, "low")]
    [InlineData(1L, "medium")]
    [InlineData(2L, "medium")]
    [InlineData(3L, "high")]
    [InlineData(10L, "high")]
    public void Assess_Level_UsesTheConfiguredBoundaries(long failures, string level)
    {
        var engine = new RiskEngine(RiskSettings.Default with { MediumAt = 10, HighAt = 30 });

        Assert.Equal(level, engine.Assess(new SubjectRiskProfile(), Observe(), failures, 0, false).Level);
    }

    [Fact]
    public void Learn_WithoutVerifiedDevice_LearnsThePlaceButNotTheDevice()
    {
        var profile = new SubjectRiskProfile();
        var observation = Observe(device: "laptop", ip: "81.2.69.142", country: "GB", now: Now.AddHours(-1));

        RiskEngine.Learn(profile, observation, verifiedDevice: false);

        Assert.Equal((0, 1, 1), (profile.DeviceCount, profile.CountryCount, profile.IpCount));
        Assert.True(profile.Dirty);
        var signals = Assess(profile, Observe(device: "laptop", ip: "81.2.69.142", country: "GB"));
        Assert.True(signals.NewDevice);
        Assert.False(signals.NewIp);
        Assert.False(signals.NewCountry);
    }

    [Fact]
    public void Learn_WithVerifiedDevice_LearnsAllThree()
    {
        var profile = new SubjectRiskProfile();

        RiskEngine.Learn(profile, Observe(device: "laptop", ip: "81.2.69.142", country: "GB", now: Now.AddHours(-1)), verifiedDevice: true);

        var signals = Assess(profile, Observe(device: "laptop", ip: "81.2.69.142", country: "GB"));
        Assert.Empty(signals.Fired);
        Assert.Equal(0, signals.Score);
    }

    [Fact]
    public void Learn_SkipsAbsentValues_AndNeverLocates()
    {
        var profile = new SubjectRiskProfile();

        RiskEngine.Learn(profile, Observe(device: "", ip: null, country: "", at: London), verifiedDevice: true);

        Assert.Equal((0, 0, 0), (profile.DeviceCount, profile.CountryCount, profile.IpCount));
        Assert.Null(profile.LastLocation);
    }

    [Fact]
    public void AssessAndLearn_RefuseANullProfile()
    {
        Assert.Throws<ArgumentNullException>(() => Engine.Assess(null!, Observe(), 0, 0, false));
        Assert.Throws<ArgumentNullException>(() => RiskEngine.Learn(null!, Observe(), true));
    }

    [Fact]
    public void AssessAndLearn_FromManyThreads_OnOneProfile_StayConsistent()
    {
        var profile = new SubjectRiskProfile();
        string[] ips = [.. Enumerable.Range(0, 8).Select(i => $"198.51.100.{i}")];
        string[] countries = ["GB", "FR", "DE"];
        string[] devices = ["d0", "d1", "d2", "d3"];

        // Parallel.For rethrows any exception a worker hit (as an AggregateException).
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var observation = Observe(devices[i % 4], ips[i % 8], countries[i % 3], i % 2 == 0 ? London : Changchun, Now.AddSeconds(i % 100));
            var signals = Engine.Assess(profile, observation, i % 5, 0, false);
            Assert.InRange(signals.Score, 0, 100);
            RiskEngine.Learn(profile, observation, verifiedDevice: i % 2 == 0);
            if (i % 50 == 0)
            {
                lock (profile)
                {
                    _ = SubjectRiskProfile.Deserialize(profile.Serialize());
                }
            }
        });

        // Only even i learn devices: i % 4 is then 0 or 2.
        Assert.Equal((2, 3, 8), (profile.DeviceCount, profile.CountryCount, profile.IpCount));
        var since = Now.ToUnixTimeSeconds();
        Assert.All(ips, ip => Assert.True(profile.KnowsIp(ip, since)));
        Assert.All(countries, c => Assert.True(profile.KnowsCountry(c, since)));
        Assert.True(profile.KnowsDevice("d0", since));
        Assert.True(profile.KnowsDevice("d2", since));
        Assert.False(profile.KnowsDevice("d1", 0));
        var copy = SubjectRiskProfile.Deserialize(profile.Serialize());
        Assert.Equal((2, 3, 8), (copy.DeviceCount, copy.CountryCount, copy.IpCount));
        Assert.NotNull(copy.LastLocation);
        var last = Assess(profile, Observe(device: "d0", ip: ips[0], country: "GB", now: Now.AddSeconds(200)));
        Assert.False(last.NewDevice || last.NewIp || last.NewCountry);
    }
}
