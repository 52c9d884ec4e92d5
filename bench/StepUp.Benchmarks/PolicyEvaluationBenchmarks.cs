using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;

namespace StepUp.Benchmarks;

/// <summary>
/// In-process policy evaluation: <c>examples/policy.yaml</c> (13 rules, lists, IPv4/IPv6 CIDRs,
/// action globs) loaded once with <see cref="PolicyLoader.LoadFile"/>, then
/// <see cref="PolicyEngine.Evaluate"/> for four prebuilt requests. Inputs are built up front, the
/// way <c>DecisionRequestReader</c> builds them (JSON numbers as doubles, ordinal maps), so the
/// figure is the engine alone: no JSON parsing, no risk computation, no audit.
/// Run: <c>bench/policy-eval.sh</c> (also runs the Cedar baseline) or
/// <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- --filter '*PolicyEvaluation*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MedianConfig))]
public class PolicyEvaluationBenchmarks
{
    private CompiledPolicy _policy = null!;
    private DecisionInput _smallTransfer = null!;
    private DecisionInput _largeTransfer = null!;
    private DecisionInput _adminAction = null!;
    private DecisionInput _exportFromOutsideV6 = null!;

    /// <summary>Which of the four requests <see cref="Evaluate"/> decides.</summary>
    [Params("small-transfer", "large-transfer", "admin-action", "export-ipv6-outside")]
    public string Case { get; set; } = "small-transfer";

    private DecisionInput _input = null!;

    [GlobalSetup]
    public void Setup()
    {
        _policy = LoadExamplePolicy();
        _smallTransfer = Inputs.SmallTransfer();
        _largeTransfer = Inputs.LargeTransfer();
        _adminAction = Inputs.AdminAction();
        _exportFromOutsideV6 = Inputs.ExportFromOutsideV6();
        _input = Case switch
        {
            "small-transfer" => _smallTransfer,
            "large-transfer" => _largeTransfer,
            "admin-action" => _adminAction,
            "export-ipv6-outside" => _exportFromOutsideV6,
            _ => throw new InvalidOperationException("unknown case " + Case),
        };

        // Fail loudly if the benchmark stopped measuring what it claims to measure.
        Expect(_smallTransfer, RuleEffect.Allow, AssuranceLevel.Aal1);
        Expect(_largeTransfer, RuleEffect.StepUp, AssuranceLevel.Aal2);
        Expect(_adminAction, RuleEffect.StepUp, AssuranceLevel.Aal3);
        Expect(_exportFromOutsideV6, RuleEffect.StepUp, AssuranceLevel.Aal2);
    }

    [Benchmark]
    public PolicyEvaluation Evaluate() => PolicyEngine.Evaluate(_policy, _input);

    internal static CompiledPolicy LoadExamplePolicy()
    {
        var path = FindExamplePolicy();
        var result = PolicyLoader.LoadFile(path);
        if (result.Policy is null)
        {
            throw new InvalidOperationException("example policy did not load: " + string.Join("; ", result.Errors));
        }

        return result.Policy;
    }

    private void Expect(DecisionInput input, RuleEffect effect, AssuranceLevel level)
    {
        var evaluation = PolicyEngine.Evaluate(_policy, input);
        if (evaluation.Effect != effect || (effect == RuleEffect.StepUp && evaluation.Level != level))
        {
            throw new InvalidOperationException(
                $"{input.Action}: expected {effect}/{level}, got {evaluation.Effect}/{evaluation.Level} ({string.Join(", ", evaluation.Reasons)})");
        }
    }

    /// <summary>Walks up from the working directory (BenchmarkDotNet runs from bin/…) to examples/policy.yaml.</summary>
    private static string FindExamplePolicy()
    {
        var env = Environment.GetEnvironmentVariable("STEPUP_BENCH_POLICY");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "examples", "policy.yaml");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("examples/policy.yaml not found above " + Directory.GetCurrentDirectory());
    }

    private sealed class MedianConfig : ManualConfig
    {
        public MedianConfig()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            SummaryStyle = SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Nanosecond);
        }
    }
}

/// <summary>The four benchmark requests; the Cedar baseline (bench/cedar) encodes the same ones.</summary>
internal static class Inputs
{
    private static readonly DateTimeOffset Noon = new(2025, 6, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>50 EUR from a known device and a public IP: no rule applies → allow.</summary>
    public static DecisionInput SmallTransfer() => new()
    {
        Subject = new SubjectInput { Id = "alice", SessionId = "s-1", Attributes = Map(("frozen", CelValue.False)) },
        Action = "payments.transfer",
        Resource = new ResourceInput
        {
            Type = "transfer",
            Id = "t-1",
            Attributes = Map(("amount", CelValue.FromDouble(50)), ("currency", CelValue.FromString("EUR"))),
        },
        Context = new ContextInput { Ip = "81.2.69.142", DeviceId = "d-1", UserAgent = "Mozilla/5.0" },
        Risk = new RiskSignals { Score = 0 },
        Now = Noon,
    };

    /// <summary>12,000 EUR → large-transfer: step_up aal2, bound to the resource, once.</summary>
    public static DecisionInput LargeTransfer() => new()
    {
        Subject = new SubjectInput { Id = "alice", SessionId = "s-1", Attributes = Map(("frozen", CelValue.False)) },
        Action = "payments.transfer",
        Resource = new ResourceInput
        {
            Type = "transfer",
            Id = "t-9",
            Attributes = Map(("amount", CelValue.FromDouble(12000)), ("currency", CelValue.FromString("EUR"))),
        },
        Context = new ContextInput { Ip = "81.2.69.142", DeviceId = "d-1", UserAgent = "Mozilla/5.0" },
        Risk = new RiskSignals { Score = 0 },
        Now = Noon,
    };

    /// <summary>An admin action by an admin from the office network → admin-and-keys: step_up aal3.</summary>
    public static DecisionInput AdminAction() => new()
    {
        Subject = new SubjectInput { Id = "root", SessionId = "s-2", Attributes = Map(("role", CelValue.FromString("admin"))) },
        Action = "admin.users.delete",
        Resource = new ResourceInput { Type = "user", Id = "u-42" },
        Context = new ContextInput { Ip = "198.51.100.7", DeviceId = "d-2" },
        Risk = new RiskSignals { Score = 10 },
        Now = Noon,
    };

    /// <summary>A data export from an IPv6 address outside 2001:db8::/32 → data-export: step_up aal2.</summary>
    public static DecisionInput ExportFromOutsideV6() => new()
    {
        Subject = new SubjectInput { Id = "dana", SessionId = "s-3", Attributes = Map(("role", CelValue.FromString("analyst"))) },
        Action = "data.export.customers",
        Resource = new ResourceInput { Type = "dataset", Id = "customers" },
        Context = new ContextInput { Ip = "2a02:d2c0::1234", DeviceId = "d-3" },
        Risk = new RiskSignals { Score = 20 },
        Now = Noon,
    };

    private static Dictionary<string, CelValue> Map(params (string Key, CelValue Value)[] entries)
    {
        var map = new Dictionary<string, CelValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }
}
