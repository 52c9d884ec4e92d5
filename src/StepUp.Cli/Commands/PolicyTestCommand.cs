using System.CommandLine;
using StepUp.Core.Policy;
using YamlDotNet.Core;

namespace StepUp.Cli.Commands;

/// <summary><c>stepup policy test FILE CASES.yaml</c>: a pass/fail line per case; exit 1 on any failure.</summary>
internal static class PolicyTestCommand
{
    public static Command Create(TextWriter output)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The policy YAML file" };
        var casesFile = new Argument<FileInfo>("CASES") { Description = "YAML table of requests and expected decisions" };
        var command = new Command("test", "Run a table of cases against a policy") { file, casesFile };
        command.SetAction(parse =>
        {
            var policy = CommandHelpers.LoadPolicy(parse.GetValue(file)!, output);
            if (policy is null)
            {
                return 1;
            }

            IReadOnlyList<PolicyCase> cases;
            var casesPath = parse.GetValue(casesFile)!.FullName;
            try
            {
                cases = PolicyCase.Load(casesPath);
            }
            catch (Exception ex) when (ex is YamlException or IOException)
            {
                output.WriteLine($"{casesPath}: cannot read cases: {ex.Message}");
                return 1;
            }

            var failed = 0;
            foreach (var testCase in cases)
            {
                var problem = Run(policy, testCase);
                output.WriteLine(problem is null ? $"PASS  {testCase.Name}" : $"FAIL  {testCase.Name} (line {testCase.Line}): {problem}");
                failed += problem is null ? 0 : 1;
            }

            output.WriteLine($"{cases.Count - failed} passed, {failed} failed");
            return failed == 0 && cases.Count > 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Runs one case; returns what went wrong, or null when it passed.</summary>
    private static string? Run(CompiledPolicy policy, PolicyCase testCase)
    {
        if (testCase.Error is not null)
        {
            return testCase.Error;
        }

        var evaluation = PolicyEngine.Evaluate(policy, testCase.Input!);
        var actual = CommandHelpers.EffectName(evaluation.Effect);
        var applied = evaluation.AppliedRuleIds.ToList();
        if (actual != testCase.Expect)
        {
            return $"expected {testCase.Expect}, got {actual} (rules: {Describe(applied)})";
        }

        if (testCase.Rules is not null && !testCase.Rules.Order(StringComparer.Ordinal).SequenceEqual(applied.Order(StringComparer.Ordinal)))
        {
            return $"expected rules {Describe(testCase.Rules)}, got {Describe(applied)}";
        }

        if (testCase.Level is not null && (evaluation.Effect != RuleEffect.StepUp || evaluation.Level.ToName() != testCase.Level))
        {
            return $"expected level {testCase.Level}, got {(evaluation.Effect == RuleEffect.StepUp ? evaluation.Level.ToName() : "none")}";
        }

        return null;
    }

    private static string Describe(IReadOnlyCollection<string> rules) => rules.Count == 0 ? "none" : string.Join(", ", rules);
}
