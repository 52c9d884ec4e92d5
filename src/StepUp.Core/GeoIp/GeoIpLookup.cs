using System.Net;

namespace StepUp.Core.GeoIp;

/// <summary>
/// StepUp's view of its GeoIP databases (configuration <c>StepUp:GeoIp:CityDatabase</c>,
/// <c>AsnDatabase</c>, <c>AnonymousIpDatabase</c>; each optional). Each method reads only the
/// fields StepUp uses and returns <see cref="GeoIpStatus.NoDatabase"/> when that database is not
/// configured. Immutable and thread-safe; lookups never throw for database content.
/// </summary>
public sealed class GeoIpLookup
{
    /// <summary>A lookup with no databases: every answer is <see cref="GeoIpStatus.NoDatabase"/>.</summary>
    public static readonly GeoIpLookup Empty = new(null, null, null);

    public GeoIpLookup(GeoIpDatabase? city, GeoIpDatabase? asn, GeoIpDatabase? anonymousIp)
    {
        CityDatabase = city;
        AsnDatabase = asn;
        AnonymousIpDatabase = anonymousIp;
    }

    public GeoIpDatabase? CityDatabase { get; }

    public GeoIpDatabase? AsnDatabase { get; }

    public GeoIpDatabase? AnonymousIpDatabase { get; }

    /// <summary>
    /// Opens the databases whose paths are set (null or empty paths are skipped). Throws
    /// <see cref="GeoIpFormatException"/> for a malformed file and I/O exceptions for an unreadable
    /// one, so a bad configuration fails at start-up.
    /// </summary>
    public static GeoIpLookup Open(string? cityPath, string? asnPath, string? anonymousIpPath) => new(
        string.IsNullOrEmpty(cityPath) ? null : GeoIpDatabase.Open(cityPath),
        string.IsNullOrEmpty(asnPath) ? null : GeoIpDatabase.Open(asnPath),
        string.IsNullOrEmpty(anonymousIpPath) ? null : GeoIpDatabase.Open(anonymousIpPath));

    /// <summary>Country ISO code, English city name and coordinates for <paramref name="address"/>.</summary>
    public GeoIpResult<GeoIpCity> City(IPAddress address) =>
        CityDatabase?.City(address) ?? GeoIpResult<GeoIpCity>.NoDatabase();

    /// <summary>Autonomous system number and organization for <paramref name="address"/>.</summary>
    public GeoIpResult<GeoIpAsn> Asn(IPAddress address) =>
        AsnDatabase?.Asn(address) ?? GeoIpResult<GeoIpAsn>.NoDatabase();

    /// <summary>Anonymizer flags for <paramref name="address"/>.</summary>
    public GeoIpResult<GeoIpAnonymousIp> AnonymousIp(IPAddress address) =>
        AnonymousIpDatabase?.AnonymousIp(address) ?? GeoIpResult<GeoIpAnonymousIp>.NoDatabase();
}
