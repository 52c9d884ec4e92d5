using System.Collections.Concurrent;
using StepUp.Core.Monitoring;
using StepUp.Core.Policy;
using StepUp.Core.Risk;

namespace StepUp.Benchmarks;

/// <summary>
/// Memory held per active subject: 100,000 subjects in a dictionary as the server keeps them, each
/// with a typical profile (one verified device, one country, one address, a location), then the
/// same with every subject also holding a failure window; and a full profile (16 devices, 8
/// countries, 16 addresses). Measured as the managed heap growth over a forced collection.
/// Run: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- risk-memory</c>.
/// </summary>
internal static class RiskMemoryProbe
{
    private const int Count = 100_000;

    public static void Run()
    {
        var now = new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
        var engine = new RiskEngine(RiskSettings.Default);
        var keys = Enumerable.Range(0, Count).Select(i => "default\u001fsubject-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        var typical = Measure(() =>
        {
            var profiles = new ConcurrentDictionary<string, SubjectRiskProfile>(StringComparer.Ordinal);
            for (var i = 0; i < Count; i++)
            {
                var profile = new SubjectRiskProfile();
                var seen = new RiskObservation("device-" + i, "81.2.69." + (i % 250), "GB", 51.5, -0.09, now);
                engine.Assess(profile, seen, 0, 0, false);
                RiskEngine.Learn(profile, seen, verifiedDevice: true);
                profiles[keys[i]] = profile;
            }

            return profiles;
        });

        var detectors = new Detectors();
        var alerts = PolicyLoader.DetectorNames.ToDictionary(n => n, _ => new DetectorSettings());
        var windows = Measure(() =>
        {
            for (var i = 0; i < Count; i++)
            {
                detectors.OnFailure("default", "subject-" + i, keys[i], null, now, alerts);
            }

            return detectors;
        });

        var full = Measure(() =>
        {
            var profiles = new SubjectRiskProfile[10_000];
            for (var i = 0; i < profiles.Length; i++)
            {
                var profile = profiles[i] = new SubjectRiskProfile();
                for (var d = 0; d < SubjectRiskProfile.MaxIps; d++)
                {
                    RiskEngine.Learn(profile, new RiskObservation($"device-{i}-{d}", $"10.{i % 250}.{d}.1", "C" + (char)('A' + (d % 8)), 1, 1, now.AddMinutes(d)), verifiedDevice: true);
                }

                engine.Assess(profile, new RiskObservation(null, null, null, 1, 1, now), 0, 0, false);
            }

            return profiles;
        }) * Count / 10_000;

        Console.WriteLine($"Typical profile (1 device, 1 country, 1 IP, location) incl. its dictionary entry, not the key string: {typical / (double)Count:F0} bytes per subject");
        Console.WriteLine($"Failure window of a subject with failures (detectors, incl. its entry, not the key):      {windows / (double)Count:F0} bytes per subject");
        Console.WriteLine($"Full profile (16 devices, 8 countries, 16 IPs, location), profile object only:    {full / (double)Count:F0} bytes per subject");
        Console.WriteLine($"Full profile serialized: {FullSerializedLength(now)} bytes");
    }

    private static long Measure<T>(Func<T> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var kept = build();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        return after - before;
    }

    private static int FullSerializedLength(DateTimeOffset now)
    {
        var profile = new SubjectRiskProfile();
        for (var d = 0; d < SubjectRiskProfile.MaxIps; d++)
        {
            RiskEngine.Learn(profile, new RiskObservation($"device-{d}", $"10.0.{d}.1", "C" + (char)('A' + (d % 8)), 1, 1, now.AddMinutes(d)), verifiedDevice: true);
        }

        new RiskEngine(RiskSettings.Default).Assess(profile, new RiskObservation(null, null, null, 1, 1, now), 0, 0, false);
        return profile.Serialize().Length;
    }
}
