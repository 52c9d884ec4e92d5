using System.Diagnostics.Metrics;
using System.Reflection;
using StepUp.Storage;

namespace StepUp.Server.Metrics;

/// <summary>
/// StepUp's instruments, all on the one meter <see cref="MetricsCollector.MeterName"/>, behind
/// typed methods so call sites cannot misspell a metric or a label. Labels whose values come from
/// requests (<c>action</c>) or from the policy (<c>rule</c>) are capped; see <see cref="LabelValueCap"/>.
/// </summary>
internal sealed partial class StepUpMetrics : IDisposable
{
    /// <summary>Distinct <c>action</c> values kept per metric before further ones become <c>other</c>.</summary>
    public const int MaxActions = 100;

    /// <summary>Distinct <c>rule</c> values kept before further ones become <c>other</c> (policies are operator-written, but reloads add up).</summary>
    public const int MaxRules = 200;

    /// <summary>Bucket bounds of <c>stepup_challenge_completion_seconds</c>.</summary>
    public static readonly double[] ChallengeCompletionBuckets = [1, 2, 5, 10, 20, 30, 60, 120, 300];

    /// <summary>Bucket bounds of <c>stepup_audit_commit_seconds</c>: 0.5 ms to 1 s.</summary>
    public static readonly double[] AuditCommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _decisionEffects;
    private readonly Counter<long> _stepUps;
    private readonly Counter<long> _challenges;
    private readonly Counter<long> _verificationFailures;
    private readonly Histogram<double> _challengeCompletion;
    private readonly Counter<long> _riskSignals;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _alertDeliveries;
    private readonly Counter<long> _policyReloads;
    private readonly Histogram<double> _auditCommit;
    private readonly LabelValueCap _stepUpActions = new(MaxActions);
    private readonly LabelValueCap _failureActions = new(MaxActions);
    private readonly LabelValueCap _rules = new(MaxRules);
    private readonly IAuditAppenderStats _audit;
    private readonly Action<TimeSpan> _commitObserver;

    public StepUpMetrics(IMeterFactory meterFactory, IAuditAppenderStats audit)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(audit);
        _audit = audit;
        var meter = meterFactory.Create(MetricsCollector.MeterName);

        _decisions = meter.CreateCounter<long>("stepup.decisions", description: "Decisions made, by effect and by each rule that applied (rule=\"none\" when no rule applied).");
        _decisionEffects = meter.CreateCounter<long>("stepup.decision_effects", description: "Decisions made, one increment per decision, by effect.");
        _stepUps = meter.CreateCounter<long>("stepup.step_ups", description: "Decisions that required a step-up, by action (capped; later actions count as \"other\").");
        _challenges = meter.CreateCounter<long>("stepup.challenges", description: "Step-up challenges finished, by method, outcome (verified, failed, locked, expired) and device class.");
        _verificationFailures = meter.CreateCounter<long>("stepup.verification_failures", description: "Step-up challenges that did not verify (failed, locked, expired), by action (capped).");
        _challengeCompletion = meter.CreateHistogram("stepup.challenge.completion", "s", "Time from issuing a challenge to verifying it, by method.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = ChallengeCompletionBuckets });
        _riskSignals = meter.CreateCounter<long>("stepup.risk_signals", description: "Risk signals that fired in decisions, by signal.");
        _alerts = meter.CreateCounter<long>("stepup.alerts", description: "Alerts raised, by detector.");
        _alertDeliveries = meter.CreateCounter<long>("stepup.alert_deliveries", description: "Alert webhook deliveries, by outcome (success, failure).");
        _policyReloads = meter.CreateCounter<long>("stepup.policy_reloads", description: "Policy loads (at start and on reload), by outcome (loaded, rejected).");
        _auditCommit = meter.CreateHistogram("stepup.audit.commit", "s", "Duration of audit group commits (transaction and fsync).", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = AuditCommitBuckets });
        meter.CreateObservableGauge("stepup.audit.queue_depth", () => audit.QueueDepth, description: "Audit append calls waiting for the writer.");
        meter.CreateObservableGauge("stepup.audit.last_commit", () => audit.LastCommitLatency.TotalSeconds, "s", "Duration of the most recent audit commit.");
        meter.CreateObservableCounter("stepup.audit.commits", () => audit.Commits, description: "Audit transactions committed since start (each holds one or more events).");
        meter.CreateObservableCounter("stepup.audit.events", () => audit.EventsAppended, description: "Audit events committed since start.");
        var version = new KeyValuePair<string, object?>("version", Version);
        meter.CreateObservableGauge("stepup.build_info", () => new Measurement<int>(1, version), description: "Always 1; the version label names the running build.");

        _commitObserver = latency => _auditCommit.Record(latency.TotalSeconds);
        audit.CommitObserved = _commitObserver;

        // Series that exist from the start, so rates and alert rules see 0 rather than nothing.
        foreach (var outcome in (string[])["loaded", "rejected"])
        {
            _policyReloads.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }

        foreach (var effect in (string[])["allow", "deny", "step_up"])
        {
            _decisionEffects.Add(0, new KeyValuePair<string, object?>("effect", effect));
        }

        foreach (var outcome in (string[])["success", "failure"])
        {
            _alertDeliveries.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>The running build's version (informational version without the commit suffix).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Counts a decision: once by effect, once per rule that applied (or rule "none"), and a step-up per action.</summary>
    public void DecisionMade(string effect, IReadOnlyList<string> rules, string action)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var effectTag = new KeyValuePair<string, object?>("effect", effect);
        _decisionEffects.Add(1, effectTag);
        if (rules.Count == 0)
        {
            _decisions.Add(1, effectTag, new KeyValuePair<string, object?>("rule", "none"));
        }

        for (var i = 0; i < rules.Count; i++)
        {
            _decisions.Add(1, effectTag, new KeyValuePair<string, object?>("rule", _rules.Apply(rules[i])));
        }

        if (effect == "step_up")
        {
            _stepUps.Add(1, new KeyValuePair<string, object?>("action", _stepUpActions.Apply(Normalize(action))));
        }
    }

    /// <summary>Counts a finished challenge; a failure also by action; a completion time when given.</summary>
    public void ChallengeFinished(string method, string outcome, string action, string deviceClass, TimeSpan? completion)
    {
        _challenges.Add(
            1,
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("outcome", outcome),
            new KeyValuePair<string, object?>("device_class", deviceClass));
        if (outcome != "verified")
        {
            _verificationFailures.Add(1, new KeyValuePair<string, object?>("action", _failureActions.Apply(Normalize(action))));
        }

        if (completion is { } elapsed)
        {
            _challengeCompletion.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("method", method));
        }
    }

    /// <summary>Counts each risk signal that fired in one decision.</summary>
    public void RiskSignalsFired(IReadOnlyList<string> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        for (var i = 0; i < signals.Count; i++)
        {
            _riskSignals.Add(1, new KeyValuePair<string, object?>("signal", signals[i]));
        }
    }

    /// <summary>Counts an alert raised by <paramref name="detector"/>.</summary>
    public void AlertRaised(string detector) => _alerts.Add(1, new KeyValuePair<string, object?>("detector", detector));

    /// <summary>Counts an alert webhook delivery by outcome (<c>success</c> or <c>failure</c>).</summary>
    public void AlertDelivered(string outcome) => _alertDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts a policy load by outcome (<c>loaded</c> or <c>rejected</c>).</summary>
    public void PolicyReloaded(string outcome) => _policyReloads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose()
    {
        if (_audit.CommitObserved == _commitObserver)
        {
            _audit.CommitObserved = null;
        }
    }

    private static string Normalize(string? value) => string.IsNullOrEmpty(value) ? "unknown" : value;

    private static string ReadVersion()
    {
        var version = typeof(StepUpMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
