namespace StepUp.Core.Risk;

/// <summary>
/// Computes the risk signals of one decision from a subject's <see cref="SubjectRiskProfile"/>
/// (SPEC §5) and updates the profile. Signals need history: <c>new_country</c> and <c>new_ip</c>
/// fire only for a subject that has used some place before (the first sighting is covered by
/// <c>new_device</c>), and a signal whose input is absent (no <c>device_id</c>, no GeoIP fact)
/// does not fire — it is not guessed. Thread-safe: each call locks the one profile it touches.
/// </summary>
public sealed class RiskEngine(RiskSettings settings)
{
    private const double EarthRadiusKm = 6371.0088;

    public RiskSettings Settings { get; } = settings;

    /// <summary>
    /// The signals of a decision. Records the observation's location as the subject's last located
    /// event (whatever the decision's outcome: an attacker's request is still a sighting).
    /// </summary>
    public RiskSignals Assess(SubjectRiskProfile profile, in RiskObservation observation, long failures1h, long ipFailures1h, bool anonymousIp)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var since = (observation.Now - Settings.Memory).ToUnixTimeSeconds();
        bool newDevice, newCountry, newIp, impossible = false;
        double speed = 0;
        lock (profile)
        {
            newDevice = observation.DeviceId is { Length: > 0 } device && !profile.KnowsDevice(device, since);
            var hasPlaces = profile.HasPlaces;
            newCountry = hasPlaces && observation.Country is { Length: > 0 } country && !profile.KnowsCountry(country, since);
            newIp = hasPlaces && observation.Ip is { Length: > 0 } ip && !profile.KnowsIp(ip, since);
            if (observation.Latitude is { } latitude && observation.Longitude is { } longitude)
            {
                var here = new Location(latitude, longitude, observation.NowUnix);
                if (profile.LastLocation is { } previous)
                {
                    var km = DistanceKm(previous, here);
                    var hours = Math.Max(1, here.AtUnix - previous.AtUnix) / 3600.0;
                    if (km >= Settings.MinTravelKm)
                    {
                        impossible = km / hours > Settings.ImpossibleTravelKmh;
                        speed = Math.Round(km / hours, 1);
                    }
                }

                profile.Locate(here);
            }
        }

        var score = 0L;
        if (newDevice) score += Settings.NewDeviceWeight;
        if (newCountry) score += Settings.NewCountryWeight;
        if (newIp) score += Settings.NewIpWeight;
        if (impossible) score += Settings.ImpossibleTravelWeight;
        if (anonymousIp) score += Settings.AnonymousIpWeight;
        score += Math.Min(failures1h, 100) * Settings.FailureWeight;
        score += Math.Min(ipFailures1h, 100) * Settings.IpFailureWeight;
        score = Math.Clamp(score, 0, 100);
        return new RiskSignals
        {
            NewDevice = newDevice,
            NewCountry = newCountry,
            NewIp = newIp,
            ImpossibleTravel = impossible,
            TravelSpeedKmh = speed,
            Failures1h = failures1h,
            IpFailures1h = ipFailures1h,
            AnonymousIp = anonymousIp,
            Score = score,
            Level = Settings.LevelOf(score),
        };
    }

    /// <summary>
    /// Learns the observation's place (IP and country) and, when <paramref name="verifiedDevice"/>,
    /// its device: called for an allowed decision (place only) and a verified step-up (both).
    /// </summary>
    public static void Learn(SubjectRiskProfile profile, in RiskObservation observation, bool verifiedDevice)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var at = observation.NowUnix;
        lock (profile)
        {
            if (observation.Ip is { Length: > 0 } ip) profile.RememberIp(ip, at);
            if (observation.Country is { Length: > 0 } country) profile.RememberCountry(country, at);
            if (verifiedDevice && observation.DeviceId is { Length: > 0 } device) profile.RememberDevice(device, at);
        }
    }

    /// <summary>Great-circle (haversine) distance in kilometres.</summary>
    public static double DistanceKm(Location a, Location b)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(b.Latitude - a.Latitude);
        var dLon = Radians(b.Longitude - a.Longitude);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) +
                (Math.Cos(Radians(a.Latitude)) * Math.Cos(Radians(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
