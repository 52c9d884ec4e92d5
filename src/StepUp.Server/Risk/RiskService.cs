using StepUp.Core.Audit;
using StepUp.Core.Challenges;
using StepUp.Core.Decisions;
using StepUp.Core.Monitoring;
using StepUp.Core.Policy;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;
using StepUp.Server.Alerts;
using StepUp.Server.Factors;

namespace StepUp.Server.Risk;

/// <summary>
/// The risk signals and detectors of SPEC §5 around one decision or verification: binds every
/// <c>risk.*</c> signal before the policy runs, learns places from allowed decisions and devices
/// from verified step-ups, counts failures, and turns what the detectors raise into
/// <c>alert.raised</c> events that go into the same audit commit as their cause.
/// </summary>
internal sealed class RiskService(RiskProfiles profiles, RiskEngine engine, Detectors detectors, Policies.PolicyHost policies, Metrics.StepUpMetrics metrics, TimeProvider time)
{
    /// <summary>The input with every risk signal bound (GeoIP facts must already be in <c>context.geo</c>).</summary>
    public async ValueTask<DecisionInput> AssessAsync(string app, DecisionInput input, CancellationToken cancellationToken)
    {
        var key = SubjectKey.For(app, input.Subject.Id);
        var profile = await profiles.GetAsync(key, cancellationToken);
        var observation = Observe(input);
        var risk = engine.Assess(profile, observation,
            detectors.SubjectFailuresLastHour(key, observation.Now),
            detectors.IpFailuresLastHour(input.Context.Ip, observation.Now),
            input.Risk.AnonymousIp);
        return new DecisionInput
        {
            Subject = input.Subject,
            Action = input.Action,
            Resource = input.Resource,
            Context = input.Context,
            Risk = risk,
            Now = input.Now,
        };
    }

    /// <summary>
    /// After the decision: an allowed one teaches its place; a denial by a geo rule, impossible
    /// travel and a created challenge feed the detectors. Alerts are added to <paramref name="events"/>.
    /// </summary>
    public async ValueTask AfterDecisionAsync(string app, DecisionInput input, RuleEffect effect, bool deniedByGeoRule, bool challengeCreated,
        List<AuditEventDraft> events, CancellationToken cancellationToken)
    {
        var key = SubjectKey.For(app, input.Subject.Id);
        var now = time.GetUtcNow();
        if (effect == RuleEffect.Allow)
        {
            RiskEngine.Learn(await profiles.GetAsync(key, cancellationToken), Observe(input), verifiedDevice: false);
        }

        var settings = Settings;
        if (effect == RuleEffect.Deny && deniedByGeoRule)
        {
            Add(events, detectors.OnEvent(Detectors.DeniedRegion, app, input.Subject.Id, key, input.Context.Ip, now, settings));
        }

        if (input.Risk.ImpossibleTravel)
        {
            Add(events, detectors.OnEvent(Detectors.ImpossibleTravel, app, input.Subject.Id, key, input.Context.Ip, now, settings));
        }

        if (challengeCreated)
        {
            AddAll(events, detectors.OnTrigger(now, settings));
        }
    }

    /// <summary>A verified step-up: its device becomes known, its place too.</summary>
    public async ValueTask VerifiedAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        var profile = await profiles.GetAsync(SubjectKey.For(challenge.App, challenge.SubjectId), cancellationToken);
        RiskEngine.Learn(profile, new RiskObservation(challenge.ContextDeviceId, challenge.ContextIp, challenge.ContextCountry, null, null, time.GetUtcNow()), verifiedDevice: true);
    }

    /// <summary>A failed verification: counted for the subject and the requesting IP; alerts go to <paramref name="events"/>.</summary>
    public void Failed(Challenge challenge, List<AuditEventDraft> events)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var key = SubjectKey.For(challenge.App, challenge.SubjectId);
        AddAll(events, detectors.OnFailure(challenge.App, challenge.SubjectId, key, challenge.ContextIp, time.GetUtcNow(), Settings));
    }

    /// <summary>The detector settings (<c>alerts:</c>) of the active policy.</summary>
    private IReadOnlyDictionary<string, DetectorSettings> Settings => policies.Current.Policy.Alerts;

    private static RiskObservation Observe(DecisionInput input)
    {
        var geo = input.Context.Geo;
        return new RiskObservation(
            input.Context.DeviceId,
            input.Context.Ip,
            geo.TryGetValue("country", out var country) && country.Kind == CelKind.String ? country.AsString : null,
            geo.TryGetValue("latitude", out var latitude) && latitude.Kind == CelKind.Double ? latitude.AsDouble : null,
            geo.TryGetValue("longitude", out var longitude) && longitude.Kind == CelKind.Double ? longitude.AsDouble : null,
            input.Now);
    }

    private void Add(List<AuditEventDraft> events, Alert? alert)
    {
        if (alert is not null)
        {
            events.Add(AlertEvents.Raised(alert));
            metrics.AlertRaised(alert.Detector);
        }
    }

    private void AddAll(List<AuditEventDraft> events, IReadOnlyList<Alert> alerts)
    {
        foreach (var alert in alerts)
        {
            Add(events, alert);
        }
    }
}
