using StepUp.Core.Risk;

namespace StepUp.Core.Tests.Risk;

public sealed class RiskEngineDistanceTests
{
    internal static readonly Location London = new(51.5142, -0.0931, 0);
    internal static readonly Location Changchun = new(43.88, 125.3228, 0);
    private static readonly Location Paris = new(48.8566, 2.3522, 0);
    private static readonly Location NewYork = new(40.7128, -74.0060, 0);

    /// <summary>An independent haversine (atan2 form), mean Earth radius 6371.0088 km (IUGG).</summary>
    internal static double Haversine(double lat1, double lon1, double lat2, double lon2)
    {
        const double R = 6371.0088;
        var phi1 = double.DegreesToRadians(lat1);
        var phi2 = double.DegreesToRadians(lat2);
        var dPhi = double.DegreesToRadians(lat2 - lat1);
        var dLambda = double.DegreesToRadians(lon2 - lon1);
        var a = Math.Pow(Math.Sin(dPhi / 2), 2) + (Math.Cos(phi1) * Math.Cos(phi2) * Math.Pow(Math.Sin(dLambda / 2), 2));
        return 2 * R * Math.Atan2(Math.Sqrt(a), Math.Sqrt(1 - a));
    }

    [Fact]
    public void DistanceKm_LondonToChangchun_IsAbout8200Km()
    {
        var expected = Haversine(51.5142, -0.0931, 43.88, 125.3228);

        var km = RiskEngine.DistanceKm(London, Changchun);

        Assert.Equal(expected, km, 0.001);
        Assert.InRange(km, 8_100, 8_300);
    }

    [Fact]
    public void DistanceKm_ParisToNewYork_IsAbout5837Km()
    {
        Assert.Equal(5_837, RiskEngine.DistanceKm(Paris, NewYork), 10.0);
    }

    [Theory]
    [InlineData(0, 0, 0, 1)]
    [InlineData(0, 0, 1, 0)]
    [InlineData(-33.8688, 151.2093, 35.6762, 139.6503)] // Sydney–Tokyo
    [InlineData(64.1466, -21.9426, -54.8019, -68.3030)] // Reykjavik–Ushuaia
    [InlineData(10, 179.5, 10, -179.5)] // across the antimeridian
    [InlineData(89.9, 0, 89.9, 180)] // across the pole
    [InlineData(-45, 170, 45, -10)] // antipodes
    public void DistanceKm_MatchesAnIndependentHaversine(double lat1, double lon1, double lat2, double lon2)
    {
        var km = RiskEngine.DistanceKm(new Location(lat1, lon1, 0), new Location(lat2, lon2, 0));

        Assert.Equal(Haversine(lat1, lon1, lat2, lon2), km, 1e-6);
    }

    [Fact]
    public void DistanceKm_OneDegreeOfLatitude_IsAbout111Km()
    {
        Assert.Equal(111.195, RiskEngine.DistanceKm(new Location(0, 0, 0), new Location(1, 0, 0)), 0.01);
    }

    [Fact]
    public void DistanceKm_IsZeroForOnePoint_SymmetricAndHalfTheCircumferenceAtMost()
    {
        Assert.Equal(0, RiskEngine.DistanceKm(London, London));
        Assert.Equal(RiskEngine.DistanceKm(London, Changchun), RiskEngine.DistanceKm(Changchun, London), 1e-9);
        Assert.Equal(Math.PI * 6371.0088, RiskEngine.DistanceKm(new Location(0, 0, 0), new Location(0, 180, 0)), 1e-6);
        Assert.Equal(Math.PI * 6371.0088, RiskEngine.DistanceKm(new Location(90, 0, 0), new Location(-90, 0, 0)), 1e-6);
    }

    [Fact]
    public void DistanceKm_IgnoresTime()
    {
        Assert.Equal(
            RiskEngine.DistanceKm(London, Changchun),
            RiskEngine.DistanceKm(London with { AtUnix = 5 }, Changchun with { AtUnix = 1_000_000 }));
    }
}
