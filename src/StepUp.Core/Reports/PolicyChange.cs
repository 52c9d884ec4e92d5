using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>One <c>policy.loaded</c> or <c>policy.rejected</c> event as the report lists it.</summary>
/// <param name="Seq">The event's seq.</param>
/// <param name="Time">When it was written.</param>
/// <param name="Type">Its type.</param>
/// <param name="Version">The policy version (SHA-256 of the policy text), when recorded.</param>
/// <param name="PreviousVersion">The version it replaced, when recorded.</param>
public sealed record PolicyChange(long Seq, DateTimeOffset Time, string Type, string? Version, string? PreviousVersion)
{
    /// <summary>Reads the fields of a policy event; erased events keep only the envelope.</summary>
    public static PolicyChange From(AuditEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var payload = EvidenceJson.PayloadOf(evt);
        return new PolicyChange(evt.Seq, evt.Time, evt.Type, EvidenceJson.Text(payload, "policy_version"),
            EvidenceJson.Text(payload?["policy"], "previous_version"));
    }
}
