namespace StepUp.Server.Hosting;

/// <summary>
/// <c>StepUp:Risk</c>: how the risk signals of SPEC §5 are computed and scored (docs/risk.md).
/// Weights are the points each signal adds to <c>risk.score</c> (0–100).
/// </summary>
public sealed class RiskOptions
{
    public double ImpossibleTravelKmh { get; set; } = 900;
    public double MinTravelKm { get; set; } = 100;
    public int MemoryDays { get; set; } = 90;
    public RiskWeightOptions Weights { get; set; } = new();
    public int MediumAt { get; set; } = 40;
    public int HighAt { get; set; } = 70;

    /// <summary>The engine's settings, or every problem with these options.</summary>
    public Core.Risk.RiskSettings ToSettings(List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        void Check(bool ok, string key, string message)
        {
            if (!ok) errors.Add($"StepUp:Risk:{key}: {message}");
        }

        Check(ImpossibleTravelKmh is > 0 and <= 100_000, "ImpossibleTravelKmh", "must be above 0 and at most 100000");
        Check(MinTravelKm is >= 0 and <= 20_000, "MinTravelKm", "must be 0 to 20000");
        Check(MemoryDays is >= 1 and <= 3650, "MemoryDays", "must be 1 to 3650");
        Check(MediumAt is >= 0 and <= 100 && HighAt is >= 0 and <= 100 && MediumAt <= HighAt, "MediumAt", "MediumAt and HighAt must be 0 to 100, MediumAt <= HighAt");
        foreach (var (name, weight) in Weights.All)
        {
            Check(weight is >= 0 and <= 100, "Weights:" + name, "must be 0 to 100");
        }

        return new Core.Risk.RiskSettings
        {
            ImpossibleTravelKmh = ImpossibleTravelKmh,
            MinTravelKm = MinTravelKm,
            Memory = TimeSpan.FromDays(MemoryDays),
            NewDeviceWeight = Weights.NewDevice,
            NewCountryWeight = Weights.NewCountry,
            NewIpWeight = Weights.NewIp,
            ImpossibleTravelWeight = Weights.ImpossibleTravel,
            AnonymousIpWeight = Weights.AnonymousIp,
            FailureWeight = Weights.Failure,
            IpFailureWeight = Weights.IpFailure,
            MediumAt = MediumAt,
            HighAt = HighAt,
        };
    }
}

/// <summary><c>StepUp:Risk:Weights</c>: points per signal (per failure for the counts).</summary>
public sealed class RiskWeightOptions
{
    public int NewDevice { get; set; } = 40;
    public int NewCountry { get; set; } = 30;
    public int NewIp { get; set; } = 10;
    public int ImpossibleTravel { get; set; } = 60;
    public int AnonymousIp { get; set; } = 40;
    public int Failure { get; set; } = 10;
    public int IpFailure { get; set; } = 5;

    internal IEnumerable<(string Name, int Weight)> All =>
    [
        (nameof(NewDevice), NewDevice), (nameof(NewCountry), NewCountry), (nameof(NewIp), NewIp),
        (nameof(ImpossibleTravel), ImpossibleTravel), (nameof(AnonymousIp), AnonymousIp),
        (nameof(Failure), Failure), (nameof(IpFailure), IpFailure),
    ];
}
