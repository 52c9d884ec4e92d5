using System.Globalization;
using System.Text;
using StepUp.Core.Audit;
using StepUp.Core.Policy.Simulation;

namespace StepUp.Cli.Commands;

/// <summary>The human-readable report of <c>stepup policy simulate</c>: a summary, then one table per view.</summary>
internal static partial class PolicySimulateCommand
{
    private static void Print(PolicySimulationReport report, string file, TextWriter output)
    {
        var window = $"{(report.Since is { } s ? AuditTime.ToText(s) : "the beginning")} .. {(report.Until is { } u ? AuditTime.ToText(u) : "now")}";
        output.WriteLine($"Simulated {file} (version {report.PolicyVersion[..12]}) over {window}");
        output.WriteLine(Invariant($"Decisions replayed: {report.Decisions:N0}; changed: {report.Changed:N0} ({Percent(report.Decisions == 0 ? 0 : (double)report.Changed / report.Decisions)})"));
        if (report.Skipped > 0)
        {
            output.WriteLine(Invariant($"Skipped: {report.Skipped:N0} ({string.Join(", ", report.SkipReasons.Select(r => Invariant($"{r.Key} {r.Value:N0}")))})"));
        }

        if (report.Truncated)
        {
            output.WriteLine(Invariant($"Truncated: stopped after {report.MaxEvents:N0} decisions, at {(report.LastTime is { } last ? AuditTime.ToText(last) : "-")}; narrow the window or raise --max-events"));
        }

        var transitions = report.Transitions.Where(t => t.Value > 0).OrderByDescending(t => t.Value).ToList();
        output.WriteLine();
        output.WriteLine(transitions.Count == 0 ? "No decision changes." : "Transitions");
        Table(output, ["CHANGE", "DECISIONS"], transitions.Select(t => new[] { $"{SimulationEffects.Name(t.Key.Before)} -> {SimulationEffects.Name(t.Key.After)}", Count(t.Value) }));

        output.WriteLine();
        output.WriteLine("By rule (decisions it applied to before and after; changed = those whose effect changed)");
        Table(output, ["RULE", "EFFECT", "BEFORE", "AFTER", "CHANGED"], report.ByRule.Where(r => r.Before + r.After > 0).Select(r => new[]
        {
            r.Rule, r.Effect is { } effect ? SimulationEffects.Name(effect) : "(not in candidate)", Count(r.Before), Count(r.After), Count(r.Changed),
        }));
        var unused = report.ByRule.Where(r => r.Before + r.After == 0).Select(r => r.Rule).ToList();
        if (unused.Count > 0)
        {
            output.WriteLine($"  applying to no decision, before or after: {string.Join(", ", unused)}");
        }

        output.WriteLine();
        output.WriteLine("By action");
        Table(output, ["ACTION", "DECISIONS", "CHANGED", "STEP-UP BEFORE", "STEP-UP AFTER"], report.ByAction.Select(a => new[]
        {
            a.Action, Count(a.Decisions), Count(a.Changed), Percent(a.StepUpRateBefore), Percent(a.StepUpRateAfter),
        }));

        var rates = report.StepUpRatePerSubject;
        output.WriteLine();
        output.WriteLine(Invariant($"Step-up rate per subject ({rates.Subjects:N0} subjects{(rates.Truncated ? ", more not tracked" : string.Empty)}): prompted at least once {rates.PromptedBefore:N0} -> {rates.PromptedAfter:N0}"));
        Table(output, ["", "MEAN", "MEDIAN", "P90", "P99", "MAX"],
        [
            ["before", Percent(rates.Before.Mean), Percent(rates.Before.P50), Percent(rates.Before.P90), Percent(rates.Before.P99), Percent(rates.Before.Max)],
            ["after", Percent(rates.After.Mean), Percent(rates.After.P50), Percent(rates.After.P90), Percent(rates.After.P99), Percent(rates.After.Max)],
        ]);

        if (report.TopSubjects.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Subjects prompted most under the candidate");
            Table(output, ["SUBJECT", "APP", "DECISIONS", "PROMPTS BEFORE", "PROMPTS AFTER"], report.TopSubjects.Select(t => new[]
            {
                t.Subject, t.App ?? "-", Count(t.Decisions), Count(t.PromptsBefore), Count(t.PromptsAfter),
            }));
        }

        if (report.Changes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(Invariant($"Changed decisions ({report.Changes.Count:N0} of {report.Changed:N0}, oldest first)"));
            Table(output, ["DECISION", "TIME", "SUBJECT", "ACTION", "CHANGE", "RULES BEFORE", "RULES AFTER"], report.Changes.Select(c => new[]
            {
                c.DecisionId, AuditTime.ToText(c.Time), c.Subject, c.Action, $"{SimulationEffects.Name(c.Before)} -> {SimulationEffects.Name(c.After)}",
                c.RulesBefore.Count == 0 ? "-" : string.Join(",", c.RulesBefore), c.RulesAfter.Count == 0 ? "-" : string.Join(",", c.RulesAfter),
            }));
        }
    }

    // Text columns left-aligned, the first column indented; numbers (and percentages) right-aligned.
    private static void Table(TextWriter output, string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        if (all.Count == 0)
        {
            return;
        }

        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Max(r => r[i].Length))).ToArray();
        var numeric = headers.Select((_, i) => i > 0 && all.All(r => r[i] == "-" || IsNumber(r[i])) && all.Any(r => IsNumber(r[i]))).ToArray();
        foreach (var row in all.Prepend(headers))
        {
            var line = new StringBuilder("  ");
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(numeric[i] ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
                if (i < row.Length - 1)
                {
                    line.Append("  ");
                }
            }

            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    private static bool IsNumber(string cell) => cell.Length > 0 && char.IsDigit(cell[0]) && cell.All(c => char.IsDigit(c) || c is ',' or '.' or '%');

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double rate) => (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
