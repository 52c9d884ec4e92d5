using StepUp.Core.Decisions;
using StepUp.Core.Elevations;
using StepUp.Core.Factors;
using StepUp.Core.Policy;
using StepUp.Server.Elevations;
using StepUp.Server.Policies;
using StepUp.Storage.StepUps;

namespace StepUp.Server.Factors;

/// <summary>
/// SPEC §3.2: adding or removing a factor for a subject that already has one is itself a sensitive
/// action (<c>factors.enroll</c>, <c>factors.remove</c>). The caller presents an elevation token
/// (header <c>X-StepUp-Elevation</c>) of that subject for that action; it must satisfy what the
/// policy asks for the action, and at least the built-in fresh <c>aal2</c> (5 minutes).
/// </summary>
internal sealed class FactorChangeGuard(IFactorStore factors, IElevationStore elevations, ElevationTokens tokens, PolicyHost policies, StepUp.Storage.IAuditAppender audit, TimeProvider time)
{
    public const string Header = "X-StepUp-Elevation";
    public const string EnrollAction = "factors.enroll";
    public const string RemoveAction = "factors.remove";
    public static readonly TimeSpan BuiltInMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>True when the change may go ahead: the subject has no factor yet, or the token satisfies the requirement.</summary>
    public async Task<bool> AllowsAsync(string app, string subjectId, string action, string? token, CancellationToken cancellationToken)
    {
        var key = SubjectKey.For(app, subjectId);
        var existing = await factors.ListAsync(key, cancellationToken);
        var hasFactor = existing.Any(f => f.Status == FactorStatus.Active) ||
                        (await factors.RecoveryCodeHashesAsync(key, cancellationToken)).Any(h => h is not null);
        if (!hasFactor)
        {
            return true;
        }

        if (string.IsNullOrEmpty(token) || await tokens.ReadAsync(token, app, cancellationToken) is not { } elevation || elevation.SubjectId != subjectId)
        {
            return false;
        }

        var policy = policies.Current.Policy;
        var input = new DecisionInput { Subject = new SubjectInput { Id = subjectId, SessionId = elevation.SessionId }, Action = action, Now = time.GetUtcNow() };
        var evaluation = PolicyEngine.Evaluate(policy, input);
        var builtIn = PolicyEvaluation.Requirement(policy, AssuranceLevel.Aal2, BuiltInMaxAge);
        var now = time.GetUtcNow();
        var satisfied = ElevationRules.Check(elevation, app, subjectId, elevation.SessionId, action, null, builtIn, now) == ElevationMismatch.None &&
               (evaluation.Effect != RuleEffect.StepUp || ElevationRules.Check(elevation, app, subjectId, elevation.SessionId, action, null, evaluation, now) == ElevationMismatch.None);
        if (!satisfied || (elevation.Once && !await elevations.ConsumeAsync(elevation.Id, now, cancellationToken)))
        {
            return false;
        }

        await audit.AppendAsync(ElevationEvents.Used(elevation, input), cancellationToken);
        return true;
    }
}
