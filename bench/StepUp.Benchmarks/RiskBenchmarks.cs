using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using StepUp.Core.Decisions;
using StepUp.Core.Monitoring;
using StepUp.Core.Policy;
using StepUp.Core.Risk;

namespace StepUp.Benchmarks;

/// <summary>
/// The risk work of one decision, as the server does it, against policy evaluation of the same
/// decision in the same run: find the subject's profile among 10,000 in memory, compute every
/// signal (devices, places, travel, failure windows of subject and IP), learn the place of an
/// allowed decision, and feed the trigger detector of a step-up. Target: ≤ 2 µs median.
/// <see cref="Failure"/> is what a failed verification adds (three windows and their detectors).
/// Run: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- --filter '*RiskBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MedianConfig))]
public class RiskBenchmarks
{
    private const int Subjects = 10_000;
    private readonly ConcurrentDictionary<string, SubjectRiskProfile> _profiles = new(StringComparer.Ordinal);
    private readonly RiskEngine _engine = new(RiskSettings.Default);
    private readonly Detectors _detectors = new();
    private readonly Dictionary<string, DetectorSettings> _alerts = PolicyLoader.DetectorNames.ToDictionary(n => n, _ => new DetectorSettings());
    private CompiledPolicy _policy = null!;
    private DecisionInput _input = null!;
    private DateTimeOffset _now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _policy = PolicyEvaluationBenchmarks.LoadExamplePolicy();
        _input = Inputs.SmallTransfer();
        for (var i = 0; i < Subjects; i++)
        {
            var profile = new SubjectRiskProfile();
            var seen = new RiskObservation("device-" + i, "81.2.69." + (i % 250), "GB", 51.5142, -0.0931, _now.AddDays(-1));
            _engine.Assess(profile, seen, 0, 0, false);
            RiskEngine.Learn(profile, seen, verifiedDevice: true);
            _profiles["default\u001fsubject-" + i] = profile;
        }

        for (var i = 0; i < 100; i++)
        {
            _detectors.OnFailure("default", "subject-" + i, "default\u001fsubject-" + i, "81.2.69." + i, _now, _alerts);
        }
    }

    [Benchmark(Baseline = true, Description = "policy evaluation (same decision)")]
    public PolicyEvaluation Policy() => PolicyEngine.Evaluate(_policy, _input);

    [Benchmark(Description = "risk signals + detectors per decision")]
    public RiskSignals Decision()
    {
        var i = _next = (_next + 1) % Subjects;
        _now = _now.AddMilliseconds(10);
        var key = SubjectKeys[i];
        var profile = _profiles[key];
        var observation = new RiskObservation(Devices[i], Ips[i], "GB", 51.5142, -0.0931, _now);
        var risk = _engine.Assess(profile, observation, _detectors.SubjectFailuresLastHour(key, _now), _detectors.IpFailuresLastHour(observation.Ip, _now), false);
        RiskEngine.Learn(profile, observation, verifiedDevice: false);
        if ((i & 15) == 0)
        {
            _detectors.OnTrigger(_now, _alerts);
        }

        return risk;
    }

    [Benchmark(Description = "detectors per failed verification")]
    public int Failure()
    {
        var i = _next = (_next + 1) % Subjects;
        _now = _now.AddMilliseconds(10);
        return _detectors.OnFailure("default", "subject-" + i, SubjectKeys[i], Ips[i], _now, _alerts).Count;
    }

    private static readonly string[] SubjectKeys = Enumerable.Range(0, Subjects).Select(i => "default\u001fsubject-" + i).ToArray();
    private static readonly string[] Devices = Enumerable.Range(0, Subjects).Select(i => "device-" + i).ToArray();
    private static readonly string[] Ips = Enumerable.Range(0, Subjects).Select(i => "81.2.69." + (i % 250)).ToArray();

    private sealed class MedianConfig : ManualConfig
    {
        public MedianConfig()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            SummaryStyle = SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Nanosecond);
        }
    }
}
