namespace StepUp.Core.Policy.Simulation;

/// <summary>Turns the counts into the report: ordering and per-subject summaries.</summary>
internal sealed partial class SimulationTally
{
    public PolicySimulationReport ToReport()
    {
        var transitions = new Dictionary<(RuleEffect, RuleEffect), long>();
        var before = new Dictionary<RuleEffect, long>();
        var after = new Dictionary<RuleEffect, long>();
        foreach (var from in SimulationEffects.All)
        {
            before[from] = 0;
            after[from] = 0;
        }

        foreach (var from in SimulationEffects.All)
        {
            foreach (var to in SimulationEffects.All)
            {
                var count = _matrix[(int)from, (int)to];
                before[from] += count;
                after[to] += count;
                if (from != to)
                {
                    transitions[(from, to)] = count;
                }
            }
        }

        return new PolicySimulationReport
        {
            PolicyVersion = _candidate.Version,
            Warnings = _candidate.Warnings,
            Since = _options.Since,
            Until = _options.Until,
            Decisions = Decisions,
            Changed = Changed,
            Skipped = Skipped,
            SkipReasons = new SortedDictionary<string, long>(_skipReasons, StringComparer.Ordinal),
            Truncated = Truncated,
            MaxEvents = _options.MaxEvents,
            FirstTime = FirstTime,
            LastTime = LastTime,
            StoredPolicyVersions = new SortedDictionary<string, long>(_versions, StringComparer.Ordinal),
            EffectsBefore = before,
            EffectsAfter = after,
            Transitions = transitions,
            ByRule = RuleImpacts(),
            ByAction = ActionImpacts(),
            StepUpRatePerSubject = SubjectRates(),
            TopSubjects = TopSubjects(),
            Changes = [.. _changes],
        };
    }

    // Candidate rules in file order (unused ones too: a rule that never applies is worth seeing),
    // then rules only the stored decisions name, most used first.
    private List<RuleImpact> RuleImpacts()
    {
        var candidate = _candidateRules.Distinct().ToList();
        var storedOnly = _rules.Values.Except(candidate)
            .OrderByDescending(r => r.Before).ThenBy(r => r.Id, StringComparer.Ordinal);
        return candidate.Concat(storedOnly)
            .Select(r => new RuleImpact { Rule = r.Id, Effect = r.Effect, Before = r.Before, After = r.After, Changed = r.Changed })
            .ToList();
    }

    private List<ActionImpact> ActionImpacts() => _actions
        .Select(a => new ActionImpact
        {
            Action = a.Key,
            Decisions = a.Value.Decisions,
            Changed = a.Value.Changed,
            StepUpBefore = a.Value.StepUpBefore,
            StepUpAfter = a.Value.StepUpAfter,
            DenyBefore = a.Value.DenyBefore,
            DenyAfter = a.Value.DenyAfter,
        })
        .OrderByDescending(a => a.Changed).ThenByDescending(a => a.Decisions).ThenBy(a => a.Action, StringComparer.Ordinal)
        .ToList();

    private SubjectRateSummary SubjectRates()
    {
        var rateBefore = new double[_subjects.Count];
        var rateAfter = new double[_subjects.Count];
        long promptedBefore = 0;
        long promptedAfter = 0;
        var i = 0;
        foreach (var counter in _subjects.Values)
        {
            rateBefore[i] = (double)counter.PromptsBefore / counter.Decisions;
            rateAfter[i] = (double)counter.PromptsAfter / counter.Decisions;
            promptedBefore += counter.PromptsBefore > 0 ? 1 : 0;
            promptedAfter += counter.PromptsAfter > 0 ? 1 : 0;
            i++;
        }

        return new SubjectRateSummary
        {
            Subjects = _subjects.Count,
            Truncated = SubjectsTruncated,
            PromptedBefore = promptedBefore,
            PromptedAfter = promptedAfter,
            Before = RateDistribution.Of(rateBefore),
            After = RateDistribution.Of(rateAfter),
        };
    }

    // Prompted most under the candidate; among equals, those the candidate prompts more than before first.
    private List<SubjectImpact> TopSubjects() => _subjects
        .Where(s => s.Value.PromptsAfter > 0)
        .OrderByDescending(s => s.Value.PromptsAfter)
        .ThenByDescending(s => s.Value.PromptsAfter - s.Value.PromptsBefore)
        .ThenBy(s => s.Key.App, StringComparer.Ordinal)
        .ThenBy(s => s.Key.Subject, StringComparer.Ordinal)
        .Take(_options.TopSubjects)
        .Select(s => new SubjectImpact
        {
            App = s.Key.App.Length == 0 ? null : s.Key.App,
            Subject = s.Key.Subject,
            Decisions = s.Value.Decisions,
            PromptsBefore = s.Value.PromptsBefore,
            PromptsAfter = s.Value.PromptsAfter,
        })
        .ToList();
}
