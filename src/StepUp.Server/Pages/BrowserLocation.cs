using System.Net;

namespace StepUp.Server.Pages;

/// <summary>
/// Where the browser completing a hosted challenge is, from the IP address of the page request
/// (SPEC §3 relay check). Register an implementation in DI to enable the check; without one the
/// country is unknown and the check is skipped.
/// </summary>
internal interface IBrowserLocator
{
    /// <summary>ISO 3166-1 alpha-2 country of <paramref name="address"/>, or null when unknown.</summary>
    string? CountryOf(IPAddress? address);
}

/// <summary>The locator used until GeoIP is wired in: every country is unknown, so the relay check never fires.</summary>
internal sealed class UnknownBrowserLocation : IBrowserLocator
{
    public string? CountryOf(IPAddress? address) => null;
}
