namespace StepUp.Core.Risk;

/// <summary>
/// The risk signals of one decision (SPEC §5). Every signal is always bound in conditions:
/// false or 0 when it did not fire or cannot be computed.
/// </summary>
public sealed record RiskSignals
{
    public static readonly RiskSignals None = new();

    public bool NewDevice { get; init; }
    public bool NewCountry { get; init; }
    public bool NewIp { get; init; }
    public bool ImpossibleTravel { get; init; }
    public double TravelSpeedKmh { get; init; }
    public long Failures1h { get; init; }
    public long IpFailures1h { get; init; }
    public bool AnonymousIp { get; init; }
    public long Score { get; init; }
    public string Level { get; init; } = "low";

    /// <summary>Names of the boolean signals that fired, in a stable order.</summary>
    public IReadOnlyList<string> Fired
    {
        get
        {
            var fired = new List<string>(4);
            if (NewDevice) fired.Add("new_device");
            if (NewCountry) fired.Add("new_country");
            if (NewIp) fired.Add("new_ip");
            if (ImpossibleTravel) fired.Add("impossible_travel");
            if (AnonymousIp) fired.Add("anonymous_ip");
            if (Failures1h > 0) fired.Add("failures_1h");
            if (IpFailures1h > 0) fired.Add("ip_failures_1h");
            return fired;
        }
    }
}
