using System.Globalization;
using StepUp.Core.Decisions;
using StepUp.Core.Policy;

namespace StepUp.Benchmarks;

/// <summary>
/// Thread CPU time per <see cref="PolicyEngine.Evaluate"/> (the first field of Linux's
/// <c>/proc/thread-self/schedstat</c>: ns this thread ran on a CPU), for a shared
/// or busy machine: time the thread spends descheduled is not counted, unlike BenchmarkDotNet's
/// wall-clock figures. Five rounds of 1,000,000 calls per request after a warm-up; prints the
/// fastest round and the median round, in ns per call.
/// Run: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- cpu</c>.
/// </summary>
internal static class CpuTimeProbe
{
    private const int Rounds = 5;
    private const int CallsPerRound = 1_000_000;

    public static void Run()
    {
        var policy = PolicyEvaluationBenchmarks.LoadExamplePolicy();
        (string Name, DecisionInput Input)[] cases =
        [
            ("small-transfer", Inputs.SmallTransfer()),
            ("large-transfer", Inputs.LargeTransfer()),
            ("admin-action", Inputs.AdminAction()),
            ("export-ipv6-outside", Inputs.ExportFromOutsideV6()),
        ];

        Console.WriteLine($"thread CPU time per PolicyEngine.Evaluate, {Rounds} rounds x {CallsPerRound:N0} calls");
        foreach (var (name, input) in cases)
        {
            for (var i = 0; i < 200_000; i++)
            {
                PolicyEngine.Evaluate(policy, input);
            }

            var rounds = new double[Rounds];
            for (var r = 0; r < Rounds; r++)
            {
                var start = ThreadCpuNs();
                for (var i = 0; i < CallsPerRound; i++)
                {
                    PolicyEngine.Evaluate(policy, input);
                }

                rounds[r] = (ThreadCpuNs() - start) / (double)CallsPerRound;
            }

            Array.Sort(rounds);
            Console.WriteLine($"CPU {name,-22} min {rounds[0],7:F1} ns   median {rounds[Rounds / 2],7:F1} ns");
        }
    }

    internal static long ThreadCpuNs()
    {
        var text = File.ReadAllText("/proc/thread-self/schedstat");
        return long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
    }
}
