namespace StepUp.Core.GeoIp;

/// <summary>
/// What StepUp reads from a City database record: <c>country.iso_code</c>, <c>city.names.en</c>,
/// <c>location.latitude</c> and <c>location.longitude</c>. A field the record lacks is null.
/// </summary>
public readonly record struct GeoIpCity(string? CountryIsoCode, string? CityName, double? Latitude, double? Longitude);
