namespace StepUp.Core.GeoIp;

/// <summary>What a GeoIP lookup found.</summary>
public enum GeoIpStatus
{
    /// <summary>The database has a record for the address.</summary>
    Found,

    /// <summary>The database has no record for the address (private ranges, unlisted networks).</summary>
    NotFound,

    /// <summary>No database of that kind is configured.</summary>
    NoDatabase,

    /// <summary>The database is malformed where this lookup had to read; see <see cref="GeoIpResult{T}.Error"/>.</summary>
    Corrupt,
}
