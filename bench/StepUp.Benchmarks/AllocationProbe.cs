using StepUp.Core.Decisions;
using StepUp.Core.Policy;

namespace StepUp.Benchmarks;

/// <summary>
/// Says where policy evaluation allocates: bytes allocated per call, measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around 100,000 calls after a warm-up, for the
/// whole <see cref="PolicyEngine.Evaluate"/>, then per rule (action match and condition apart),
/// then for the suspects on their own. MemoryDiagnoser only gives the total.
/// Run: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- alloc</c>.
/// </summary>
internal static class AllocationProbe
{
    private const int Iterations = 100_000;

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

        Console.WriteLine($"Bytes allocated per call (mean over {Iterations:N0} calls after warm-up), examples/policy.yaml, {policy.Rules.Count} rules");
        foreach (var (name, input) in cases)
        {
            var perEvaluate = Measure(() => PolicyEngine.Evaluate(policy, input));
            double inRules = 0;
            var lines = new List<string>();
            for (var i = 0; i < policy.Rules.Count; i++)
            {
                var rule = policy.Rules[i];
                var matches = rule.MatchesAction(input.Action);
                var glob = Measure(() => rule.MatchesAction(input.Action));
                var condition = rule.Condition is { } c && matches ? Measure(() => c.Evaluate(input)) : 0;
                inRules += glob + condition;
                if (glob > 0 || condition > 0)
                {
                    lines.Add($"    {rule.Id,-28} MatchesAction {glob,5:F0} B   condition {condition,5:F0} B");
                }
            }

            Console.WriteLine($"{name,-20} PolicyEngine.Evaluate {perEvaluate,5:F0} B = rules {inRules,4:F0} B + result {perEvaluate - inRules,3:F0} B");
            lines.ForEach(Console.WriteLine);
        }

        // The suspects alone.
        var withActions = policy.Rules.First(r => r.Actions is not null);
        IReadOnlyList<ActionGlob> globs = withActions.Actions!;
        var foreachBytes = Measure(() =>
        {
            foreach (var glob in globs)
            {
                _ = glob;
            }
        });
        var indexedBytes = Measure(() =>
        {
            for (var i = 0; i < globs.Count; i++)
            {
                _ = globs[i];
            }
        });
        var resultBytes = Measure(() => _ = new PolicyEvaluation(policy));
        Console.WriteLine();
        Console.WriteLine($"foreach over PolicyRule.Actions (IReadOnlyList<ActionGlob>, runtime type {globs.GetType().Name}): {foreachBytes:F0} B (the boxed enumerator)");
        Console.WriteLine($"indexed for loop over the same list:                                        {indexedBytes:F0} B");
        Console.WriteLine($"new PolicyEvaluation(policy) (the result object):                             {resultBytes:F0} B");
        var worst = cases.Max(c => Measure(() => PolicyEngine.Evaluate(policy, c.Input)));
        Console.WriteLine(worst <= resultBytes
            ? $"Evaluate allocates {worst:F0} B at most = the result object alone: 1 allocation per evaluation."
            : $"Evaluate allocates up to {worst:F0} B: the result ({resultBytes:F0} B) plus {worst - resultBytes:F0} B in the rules listed above (a boxed List enumerator is 40 B).");
    }

    private static double Measure(Action action)
    {
        for (var i = 0; i < 10_000; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Iterations;
    }
}
