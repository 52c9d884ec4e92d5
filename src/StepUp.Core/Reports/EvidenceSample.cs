using System.Diagnostics.CodeAnalysis;
using StepUp.Core.Audit;

namespace StepUp.Core.Reports;

/// <summary>A reproducible random sample of audit events: the same seed and population give the same events.</summary>
public static class EvidenceSample
{
    /// <summary>The largest sample a report shows.</summary>
    public const int DefaultSize = 10;

    /// <summary>Up to <paramref name="size"/> distinct events of <paramref name="population"/>, in seq order.</summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "An auditor must reproduce the sample from the printed seed; it protects nothing.")]
    public static IReadOnlyList<AuditEvent> Draw(IReadOnlyList<AuditEvent> population, int seed, int size = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(population);
        var indexes = Enumerable.Range(0, population.Count).ToArray();
        new Random(seed).Shuffle(indexes);
        return indexes.Take(size).Order().Select(i => population[i]).ToList();
    }
}
