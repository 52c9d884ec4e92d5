using StepUp.Core.Audit;

namespace StepUp.Core.Policy.Simulation;

/// <summary>
/// The running counts of one simulation. Memory is bounded by the number of rules, actions
/// (<see cref="PolicySimulationOptions.MaxActions"/>), subjects (<see cref="PolicySimulationOptions.MaxSubjects"/>)
/// and listed changes, never by the number of events.
/// </summary>
internal sealed partial class SimulationTally
{
    private readonly CompiledPolicy _candidate;
    private readonly PolicySimulationOptions _options;
    private readonly RuleCounter[] _candidateRules;
    private readonly Dictionary<string, RuleCounter> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActionCounter> _actions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string App, string Subject), SubjectCounter> _subjects = [];
    private readonly Dictionary<string, long> _skipReasons = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly long[,] _matrix = new long[3, 3];
    private readonly List<SimulatedChange> _changes = [];
    private readonly HashSet<string> _changedRules = new(StringComparer.Ordinal);

    public SimulationTally(CompiledPolicy candidate, PolicySimulationOptions options)
    {
        _candidate = candidate;
        _options = options;
        _candidateRules = new RuleCounter[candidate.Rules.Count];
        for (var i = 0; i < candidate.Rules.Count; i++)
        {
            var rule = candidate.Rules[i];
            _candidateRules[i] = _rules.TryGetValue(rule.Id, out var existing) ? existing : _rules[rule.Id] = new RuleCounter(rule.Id, rule.Effect);
        }
    }

    /// <summary>Decision events counted (replayed plus skipped).</summary>
    public long Events { get; private set; }

    public long Decisions { get; private set; }

    public long Changed { get; private set; }

    public long Skipped { get; private set; }

    public bool Truncated { get; set; }

    public DateTimeOffset? FirstTime { get; private set; }

    public DateTimeOffset? LastTime { get; private set; }

    public PolicySimulationProgress Progress => new(Events, Decisions, Changed, Skipped, LastTime);

    /// <summary>True when the next event would exceed <see cref="PolicySimulationOptions.MaxEvents"/>.</summary>
    public bool Full => Events >= _options.MaxEvents;

    /// <summary>Whether the event is one this simulation replays: a decision inside the window.</summary>
    public bool Accepts(AuditEvent evt) =>
        evt.Type == AuditEventTypes.DecisionEvaluated &&
        (_options.Since is not { } since || evt.Time >= since) &&
        (_options.Until is not { } until || evt.Time < until);

    /// <summary>Replays one accepted event (or counts why it cannot be replayed).</summary>
    public void Add(AuditEvent evt)
    {
        Count(evt.Time);
        var decision = DecisionReplay.Read(evt, out var skipReason);
        if (decision is null)
        {
            Skip(skipReason ?? SimulationSkipReasons.UnreadableEvent);
            return;
        }

        var evaluation = PolicyEngine.Evaluate(_candidate, decision.Input);
        var after = evaluation.Effect;
        if (after == RuleEffect.Allow && decision.BuiltInStepUp)
        {
            after = RuleEffect.StepUp;
        }

        var before = decision.StoredEffect;
        var changed = before != after;
        Decisions++;
        _matrix[(int)before, (int)after]++;
        if (changed)
        {
            Changed++;
        }

        if (decision.PolicyVersion is { } version && (_versions.ContainsKey(version) || _versions.Count < 100))
        {
            _versions[version] = _versions.GetValueOrDefault(version) + 1;
        }

        CountRules(decision, evaluation, changed, out var rulesAfter);
        CountAction(decision.Input.Action, before, after, changed);
        CountSubject(decision.App ?? string.Empty, decision.Input.Subject.Id, before, after);
        if (changed && _changes.Count < _options.MaxChanges)
        {
            _changes.Add(new SimulatedChange
            {
                DecisionId = decision.DecisionId,
                Seq = decision.Seq,
                Time = decision.Time,
                App = decision.App,
                Subject = decision.Input.Subject.Id,
                Action = decision.Input.Action,
                Before = before,
                After = after,
                RulesBefore = decision.StoredRules,
                RulesAfter = rulesAfter ?? AppliedIds(evaluation),
            });
        }
    }

    /// <summary>Counts a stored row that could not even be read as an event.</summary>
    public void AddUnreadable()
    {
        Events++;
        Skip(SimulationSkipReasons.UnreadableEvent);
    }

    private void Count(DateTimeOffset time)
    {
        Events++;
        FirstTime ??= time;
        LastTime = time;
    }

    private void Skip(string reason)
    {
        Skipped++;
        _skipReasons[reason] = _skipReasons.GetValueOrDefault(reason) + 1;
    }

    private void CountRules(ReplayedDecision decision, PolicyEvaluation evaluation, bool changed, out List<string>? rulesAfter)
    {
        rulesAfter = null;
        foreach (var id in decision.StoredRules)
        {
            if (!_rules.TryGetValue(id, out var counter))
            {
                counter = _rules[id] = new RuleCounter(id, null);
            }

            counter.Before++;
        }

        for (var i = 0; i < _candidateRules.Length; i++)
        {
            if (evaluation.Applied(i))
            {
                _candidateRules[i].After++;
            }
        }

        if (!changed)
        {
            return;
        }

        // A rule that applied both before and after counts once per changed decision.
        _changedRules.Clear();
        _changedRules.UnionWith(decision.StoredRules);
        rulesAfter = AppliedIds(evaluation);
        _changedRules.UnionWith(rulesAfter);
        foreach (var id in _changedRules)
        {
            _rules[id].Changed++;
        }
    }

    private List<string> AppliedIds(PolicyEvaluation evaluation)
    {
        var ids = new List<string>();
        for (var i = 0; i < _candidateRules.Length; i++)
        {
            if (evaluation.Applied(i))
            {
                ids.Add(_candidate.Rules[i].Id);
            }
        }

        return ids;
    }

    private void CountAction(string action, RuleEffect before, RuleEffect after, bool changed)
    {
        if (!_actions.TryGetValue(action, out var counter))
        {
            if (_actions.Count >= _options.MaxActions)
            {
                action = PolicySimulator.OtherActions;
                counter = _actions.GetValueOrDefault(action);
            }

            counter ??= _actions[action] = new ActionCounter();
        }

        counter.Decisions++;
        counter.Changed += changed ? 1 : 0;
        counter.StepUpBefore += before == RuleEffect.StepUp ? 1 : 0;
        counter.StepUpAfter += after == RuleEffect.StepUp ? 1 : 0;
        counter.DenyBefore += before == RuleEffect.Deny ? 1 : 0;
        counter.DenyAfter += after == RuleEffect.Deny ? 1 : 0;
    }

    private void CountSubject(string app, string subject, RuleEffect before, RuleEffect after)
    {
        if (!_subjects.TryGetValue((app, subject), out var counter))
        {
            if (_subjects.Count >= _options.MaxSubjects)
            {
                SubjectsTruncated = true;
                return;
            }

            counter = _subjects[(app, subject)] = new SubjectCounter();
        }

        counter.Decisions++;
        counter.PromptsBefore += before == RuleEffect.StepUp ? 1 : 0;
        counter.PromptsAfter += after == RuleEffect.StepUp ? 1 : 0;
    }

    private bool SubjectsTruncated { get; set; }

    private sealed class RuleCounter(string id, RuleEffect? effect)
    {
        public string Id { get; } = id;

        public RuleEffect? Effect { get; } = effect;

        public long Before { get; set; }

        public long After { get; set; }

        public long Changed { get; set; }
    }

    private sealed class ActionCounter
    {
        public long Decisions { get; set; }

        public long Changed { get; set; }

        public long StepUpBefore { get; set; }

        public long StepUpAfter { get; set; }

        public long DenyBefore { get; set; }

        public long DenyAfter { get; set; }
    }

    private sealed class SubjectCounter
    {
        public long Decisions { get; set; }

        public long PromptsBefore { get; set; }

        public long PromptsAfter { get; set; }
    }
}
