using System.Text.Json.Nodes;
using StepUp.Core.Audit;

namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// The JSON form of a <see cref="PolicySimulationReport"/>, shared by <c>POST /v1/policy/simulate</c>
/// and <c>stepup policy simulate --json</c> so both print the same document. Rates are 0 to 1,
/// rounded to 4 decimals; times are audit times (UTC, milliseconds).
/// </summary>
public static class PolicySimulationJson
{
    public static JsonObject ToJson(PolicySimulationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var json = new JsonObject
        {
            ["policy_version"] = report.PolicyVersion,
            ["since"] = Time(report.Since),
            ["until"] = Time(report.Until),
            ["decisions"] = report.Decisions,
            ["changed"] = report.Changed,
            ["skipped"] = report.Skipped,
            ["skip_reasons"] = Counts(report.SkipReasons),
            ["truncated"] = report.Truncated,
            ["max_events"] = report.MaxEvents,
            ["first_time"] = Time(report.FirstTime),
            ["last_time"] = Time(report.LastTime),
            ["stored_policy_versions"] = Counts(report.StoredPolicyVersions),
            ["effects"] = new JsonObject { ["before"] = Effects(report.EffectsBefore), ["after"] = Effects(report.EffectsAfter) },
            ["transitions"] = Transitions(report),
            ["by_rule"] = new JsonArray([.. report.ByRule.Select(Rule)]),
            ["by_action"] = new JsonArray([.. report.ByAction.Select(Action)]),
            ["step_up_rate_per_subject"] = Subjects(report.StepUpRatePerSubject),
            ["top_subjects"] = new JsonArray([.. report.TopSubjects.Select(Subject)]),
            ["changes"] = new JsonArray([.. report.Changes.Select(Change)]),
            ["changes_truncated"] = report.ChangesTruncated,
            ["diagnostics"] = Diagnostics(report.Warnings),
        };
        return WithoutNulls(json);
    }

    /// <summary>Load diagnostics as <c>/v1/policy/validate</c> lists them: <c>{ line, column, severity, message }</c>.</summary>
    public static JsonArray Diagnostics(IEnumerable<PolicyDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var json = new JsonArray();
        foreach (var d in diagnostics)
        {
            json.Add(new JsonObject
            {
                ["line"] = d.Line,
                ["column"] = d.Column,
                ["severity"] = d.IsWarning ? "warning" : "error",
                ["message"] = d.Message,
            });
        }

        return json;
    }

    // Optional fields are left out rather than null, as in audit events.
    private static JsonObject WithoutNulls(JsonObject json)
    {
        foreach (var key in json.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            json.Remove(key);
        }

        return json;
    }

    private static JsonValue? Time(DateTimeOffset? time) => time is { } t ? JsonValue.Create(AuditTime.ToText(t)) : null;

    private static double Rate(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    private static JsonObject Counts(IReadOnlyDictionary<string, long> counts)
    {
        var json = new JsonObject();
        foreach (var (key, count) in counts)
        {
            json[key] = count;
        }

        return json;
    }

    private static JsonObject Effects(IReadOnlyDictionary<RuleEffect, long> counts)
    {
        var json = new JsonObject();
        foreach (var effect in SimulationEffects.All)
        {
            json[SimulationEffects.Name(effect)] = counts.GetValueOrDefault(effect);
        }

        return json;
    }

    private static JsonObject Transitions(PolicySimulationReport report)
    {
        var json = new JsonObject();
        foreach (var ((before, after), count) in report.Transitions.OrderByDescending(t => t.Value)
                     .ThenBy(t => t.Key.Before).ThenBy(t => t.Key.After))
        {
            json[SimulationEffects.TransitionName(before, after)] = count;
        }

        return json;
    }

    private static JsonObject Rule(RuleImpact rule) => WithoutNulls(new()
    {
        ["rule"] = rule.Rule,
        ["effect"] = rule.Effect is { } effect ? SimulationEffects.Name(effect) : null,
        ["in_candidate"] = rule.Effect is not null,
        ["before"] = rule.Before,
        ["after"] = rule.After,
        ["changed"] = rule.Changed,
    });

    private static JsonObject Action(ActionImpact action) => new()
    {
        ["action"] = action.Action,
        ["decisions"] = action.Decisions,
        ["changed"] = action.Changed,
        ["step_up_before"] = action.StepUpBefore,
        ["step_up_after"] = action.StepUpAfter,
        ["step_up_rate_before"] = Rate(action.StepUpRateBefore),
        ["step_up_rate_after"] = Rate(action.StepUpRateAfter),
        ["deny_before"] = action.DenyBefore,
        ["deny_after"] = action.DenyAfter,
    };

    private static JsonObject Subjects(SubjectRateSummary summary) => new()
    {
        ["subjects"] = summary.Subjects,
        ["truncated"] = summary.Truncated,
        ["prompted_before"] = summary.PromptedBefore,
        ["prompted_after"] = summary.PromptedAfter,
        ["before"] = Distribution(summary.Before),
        ["after"] = Distribution(summary.After),
    };

    private static JsonObject Distribution(RateDistribution rates) => new()
    {
        ["mean"] = Rate(rates.Mean),
        ["p50"] = Rate(rates.P50),
        ["p90"] = Rate(rates.P90),
        ["p99"] = Rate(rates.P99),
        ["max"] = Rate(rates.Max),
    };

    private static JsonObject Subject(SubjectImpact subject) => WithoutNulls(new()
    {
        ["app"] = subject.App,
        ["subject"] = subject.Subject,
        ["decisions"] = subject.Decisions,
        ["prompts_before"] = subject.PromptsBefore,
        ["prompts_after"] = subject.PromptsAfter,
    });

    private static JsonObject Change(SimulatedChange change) => WithoutNulls(new()
    {
        ["decision_id"] = change.DecisionId,
        ["seq"] = change.Seq,
        ["time"] = AuditTime.ToText(change.Time),
        ["app"] = change.App,
        ["subject"] = change.Subject,
        ["action"] = change.Action,
        ["before"] = SimulationEffects.Name(change.Before),
        ["after"] = SimulationEffects.Name(change.After),
        ["rules_before"] = new JsonArray([.. change.RulesBefore.Select(r => (JsonNode?)r)]),
        ["rules_after"] = new JsonArray([.. change.RulesAfter.Select(r => (JsonNode?)r)]),
    });
}
