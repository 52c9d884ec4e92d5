namespace StepUp.Core.Risk;

/// <summary>What one decision tells the risk engine: device, address, GeoIP place, time.</summary>
public readonly record struct RiskObservation(
    string? DeviceId,
    string? Ip,
    string? Country,
    double? Latitude,
    double? Longitude,
    DateTimeOffset Now)
{
    public long NowUnix => Now.ToUnixTimeSeconds();
}
