using System.Text.Json.Nodes;
using StepUp.Core.Audit;
using StepUp.Core.Decisions;
using StepUp.Core.Elevations;
using StepUp.Core.Policy;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Elevations;

/// <summary>The elevation that turned a step-up into allow, and the events the lookup produced.</summary>
internal sealed record ElevationMatch(Elevation? Used, IReadOnlyList<AuditEventDraft> Events);

/// <summary>
/// Finds an elevation that satisfies a step-up requirement (SPEC §2): the presented token's, else
/// any active elevation of the same app and session. A <c>once</c> elevation is consumed
/// atomically by the decision that uses it. A presented token that does not satisfy the
/// requirement is audited as <c>elevation.scope_violation</c>.
/// </summary>
internal sealed class ElevationResolver(IElevationStore elevations, ElevationTokens tokens, TimeProvider time)
{
    public async Task<ElevationMatch> ResolveAsync(string app, DecisionInput input, PolicyEvaluation requirement, string? token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var resource = ResourceBinding.From(input.Resource);
        var events = new List<AuditEventDraft>();
        if (token is not null)
        {
            var presented = await tokens.ReadAsync(token, app, cancellationToken);
            var mismatch = presented is null
                ? ElevationMismatch.App
                : ElevationRules.Check(presented, app, input.Subject.Id, input.Subject.SessionId, input.Action, resource, requirement, now);
            if (mismatch == ElevationMismatch.None && await UseAsync(presented!, now, cancellationToken))
            {
                events.Add(ElevationEvents.Used(presented!, input));
                return new ElevationMatch(presented, events);
            }

            events.Add(ElevationEvents.ScopeViolation(app, input, presented, presented is null ? "invalid_token" : Reason(mismatch)));
        }

        if (input.Subject.SessionId is { } session)
        {
            foreach (var elevation in await elevations.ListActiveAsync(app, session, now, cancellationToken))
            {
                if (ElevationRules.Check(elevation, app, input.Subject.Id, session, input.Action, resource, requirement, now) == ElevationMismatch.None &&
                    await UseAsync(elevation, now, cancellationToken))
                {
                    events.Add(ElevationEvents.Used(elevation, input));
                    return new ElevationMatch(elevation, events);
                }
            }
        }

        return new ElevationMatch(null, events);
    }

    private async Task<bool> UseAsync(Elevation elevation, DateTimeOffset now, CancellationToken cancellationToken) =>
        !elevation.Once || await elevations.ConsumeAsync(elevation.Id, now, cancellationToken);

    public static string Reason(ElevationMismatch mismatch) => mismatch switch
    {
        ElevationMismatch.App => "other_app",
        ElevationMismatch.Subject => "other_subject",
        ElevationMismatch.Session => "other_session",
        ElevationMismatch.Revoked => "revoked",
        ElevationMismatch.Consumed => "already_used",
        ElevationMismatch.Expired => "expired",
        ElevationMismatch.Level => "insufficient_level",
        ElevationMismatch.Method => "method_not_allowed",
        ElevationMismatch.TooOld => "too_old",
        ElevationMismatch.Action => "other_action",
        ElevationMismatch.Resource => "other_resource",
        _ => "none",
    };
}
