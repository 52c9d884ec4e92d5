using System.Net;
using StepUp.Core.GeoIp;

namespace StepUp.Server.Pages;

/// <summary>
/// Where the browser completing a hosted challenge is, from the IP address of the page request
/// (SPEC §3 relay check). Null means unknown, and then the check is skipped.
/// </summary>
internal interface IBrowserLocator
{
    /// <summary>ISO 3166-1 alpha-2 country of <paramref name="address"/>, or null when unknown.</summary>
    string? CountryOf(IPAddress? address);
}

/// <summary>
/// The default locator: the configured GeoIP City database (<c>StepUp:GeoIp:CityDatabase</c>).
/// Without one, or for an address it does not know (loopback, private ranges), the country is
/// unknown, never guessed.
/// </summary>
internal sealed class GeoIpBrowserLocator(GeoIpLookup geoIp) : IBrowserLocator
{
    public string? CountryOf(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        var city = geoIp.City(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        return city.IsFound ? city.Value.CountryIsoCode : null;
    }
}
