namespace StepUp.Core.Policy.Simulation;

/// <summary>Window and limits of one policy simulation (SPEC §4.5).</summary>
public sealed record PolicySimulationOptions
{
    /// <summary>The default and largest number of decisions one simulation reads.</summary>
    public const int DefaultMaxEvents = 1_000_000;

    /// <summary>Events before this time are ignored (inclusive bound); null for no bound.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Events at or after this time are ignored (exclusive bound); null for no bound.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Stop after this many <c>decision.evaluated</c> events (replayed or skipped); the report is then <c>truncated</c>.</summary>
    public int MaxEvents { get; init; } = DefaultMaxEvents;

    /// <summary>How many changed decisions the report lists one by one (the count is always exact).</summary>
    public int MaxChanges { get; init; } = 100;

    /// <summary>How many subjects <c>top_subjects</c> lists.</summary>
    public int TopSubjects { get; init; } = 10;

    /// <summary>Distinct subjects tracked for the per-subject figures; later ones count only in the totals.</summary>
    public int MaxSubjects { get; init; } = 200_000;

    /// <summary>Distinct actions tracked one by one; later ones are pooled under <see cref="PolicySimulator.OtherActions"/>.</summary>
    public int MaxActions { get; init; } = 1_000;

    /// <summary>Progress is reported every this many events.</summary>
    public int ProgressEvery { get; init; } = 10_000;
}
