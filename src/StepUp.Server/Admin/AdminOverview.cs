using StepUp.Core.Audit;
using StepUp.Storage;

namespace StepUp.Server.Admin;

/// <summary>One hour of the overview chart.</summary>
public sealed record HourBar(DateTimeOffset Hour, long Decisions, long StepUps, long Denied);

/// <summary>Verified and failed step-ups of one method or device class.</summary>
public sealed record SuccessRate(string Name, long Verified, long Failed)
{
    public double? Rate => Verified + Failed == 0 ? null : (double)Verified / (Verified + Failed);
}

/// <summary>Everything the overview page shows, from the hourly rollups plus a few indexed reads.</summary>
public sealed record OverviewModel
{
    public required int Hours { get; init; }
    public required DateTimeOffset From { get; init; }
    public required IReadOnlyList<HourBar> Bars { get; init; }
    public long Allowed { get; init; }
    public long StepUps { get; init; }
    public long Denied { get; init; }
    public long ChallengesCreated { get; init; }
    public long Locked { get; init; }
    public required IReadOnlyList<SuccessRate> ByMethod { get; init; }
    public required IReadOnlyList<SuccessRate> ByDevice { get; init; }
    public required IReadOnlyList<(string Action, long Count)> FailuresByAction { get; init; }
    public required IReadOnlyList<(string Signal, long Count)> TopSignals { get; init; }
    public required IReadOnlyList<(string Detector, long Count)> AlertsByDetector { get; init; }
    public required IReadOnlyList<AuditEvent> RecentAlerts { get; init; }
    public required AuditHead Head { get; init; }
    public CheckpointView? LastCheckpoint { get; init; }
}

/// <summary>Builds <see cref="OverviewModel"/>: no scan of the trail, whatever its size.</summary>
internal sealed class AdminOverview(IAuditRollupReader rollups, IAuditReader reader, AdminChain chain, TimeProvider time)
{
    public async Task<OverviewModel> BuildAsync(int hours, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var firstHour = DateTimeOffset.FromUnixTimeSeconds((AuditRollup.Hour(now) - hours + 1) * 3600);
        var counts = await rollups.ReadAsync(firstHour, now, cancellationToken);

        var bars = new Dictionary<DateTimeOffset, (long Decisions, long StepUps, long Denied)>();
        for (var h = firstHour; h <= now; h = h.AddHours(1))
        {
            bars[h] = default;
        }

        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var count in counts)
        {
            totals[count.Key] = totals.GetValueOrDefault(count.Key) + count.Count;
            if (count.Key.StartsWith(AuditRollup.DecisionPrefix, StringComparison.Ordinal) && bars.TryGetValue(count.Hour, out var bar))
            {
                bars[count.Hour] = count.Key[AuditRollup.DecisionPrefix.Length..] switch
                {
                    "step_up" => (bar.Decisions + count.Count, bar.StepUps + count.Count, bar.Denied),
                    "deny" => (bar.Decisions + count.Count, bar.StepUps, bar.Denied + count.Count),
                    _ => (bar.Decisions + count.Count, bar.StepUps, bar.Denied),
                };
            }
        }

        var alerts = await reader.QueryAsync(new AuditQuery { Type = AuditEventTypes.AlertRaised, Since = firstHour, Limit = 10 }, cancellationToken);
        return new OverviewModel
        {
            Hours = hours,
            From = firstHour,
            Bars = [.. bars.OrderBy(b => b.Key).Select(b => new HourBar(b.Key, b.Value.Decisions, b.Value.StepUps, b.Value.Denied))],
            Allowed = totals.GetValueOrDefault(AuditRollup.DecisionPrefix + "allow"),
            StepUps = totals.GetValueOrDefault(AuditRollup.DecisionPrefix + "step_up"),
            Denied = totals.GetValueOrDefault(AuditRollup.DecisionPrefix + "deny"),
            ChallengesCreated = totals.GetValueOrDefault(AuditRollup.ChallengeCreated),
            Locked = totals.GetValueOrDefault(AuditRollup.SubjectLocked),
            ByMethod = Rates(totals, part: 0),
            ByDevice = Rates(totals, part: 1),
            FailuresByAction = Top(totals, AuditRollup.FailedActionPrefix),
            TopSignals = Top(totals, AuditRollup.SignalPrefix),
            AlertsByDetector = Top(totals, AuditRollup.AlertPrefix),
            RecentAlerts = alerts.Events,
            Head = await chain.HeadAsync(cancellationToken),
            LastCheckpoint = await chain.LastCheckpointAsync(cancellationToken),
        };
    }

    // verified:{method}:{device} and failed:{method}:{device}, summed over the other part.
    private static List<SuccessRate> Rates(Dictionary<string, long> totals, int part)
    {
        var rates = new SortedDictionary<string, (long Verified, long Failed)>(StringComparer.Ordinal);
        foreach (var (key, count) in totals)
        {
            var verified = key.StartsWith(AuditRollup.VerifiedPrefix, StringComparison.Ordinal);
            if (!verified && !key.StartsWith(AuditRollup.FailedPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var parts = key[(verified ? AuditRollup.VerifiedPrefix : AuditRollup.FailedPrefix).Length..].Split(':');
            if (parts.Length != 2)
            {
                continue;
            }

            var current = rates.GetValueOrDefault(parts[part]);
            rates[parts[part]] = verified ? (current.Verified + count, current.Failed) : (current.Verified, current.Failed + count);
        }

        return [.. rates.Select(r => new SuccessRate(r.Key, r.Value.Verified, r.Value.Failed))];
    }

    private static List<(string, long)> Top(Dictionary<string, long> totals, string prefix, int take = 10) =>
        [.. totals.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Take(take)
            .Select(t => (t.Key[prefix.Length..], t.Value))];
}
