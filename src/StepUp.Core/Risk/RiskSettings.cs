namespace StepUp.Core.Risk;

/// <summary>
/// How risk signals are computed and scored (SPEC §5), from <c>StepUp:Risk</c>. Every weight is
/// the points a signal adds to <c>risk.score</c> (clamped to 0–100); counts add their weight per
/// failure.
/// </summary>
public sealed record RiskSettings
{
    public static readonly RiskSettings Default = new();

    /// <summary>Speed above which two located events are impossible travel.</summary>
    public double ImpossibleTravelKmh { get; init; } = 900;

    /// <summary>Shorter moves never count as travel: two lookups of one city can be this far apart.</summary>
    public double MinTravelKm { get; init; } = 100;

    /// <summary>How long a verified device, and a place the subject used, stay known.</summary>
    public TimeSpan Memory { get; init; } = TimeSpan.FromDays(90);

    public int NewDeviceWeight { get; init; } = 40;
    public int NewCountryWeight { get; init; } = 30;
    public int NewIpWeight { get; init; } = 10;
    public int ImpossibleTravelWeight { get; init; } = 60;
    public int AnonymousIpWeight { get; init; } = 40;
    public int FailureWeight { get; init; } = 10;
    public int IpFailureWeight { get; init; } = 5;

    /// <summary><c>risk.level</c> is <c>medium</c> from this score.</summary>
    public int MediumAt { get; init; } = 40;

    /// <summary><c>risk.level</c> is <c>high</c> from this score.</summary>
    public int HighAt { get; init; } = 70;

    /// <summary>The level name of <paramref name="score"/>.</summary>
    public string LevelOf(long score) => score >= HighAt ? "high" : score >= MediumAt ? "medium" : "low";
}
