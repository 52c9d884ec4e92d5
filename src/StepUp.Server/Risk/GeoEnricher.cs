using System.Net;
using StepUp.Core.Decisions;
using StepUp.Core.GeoIp;
using StepUp.Core.Policy.Conditions;
using StepUp.Core.Risk;

namespace StepUp.Server.Risk;

/// <summary>
/// Fills <c>context.geo</c> (country, city, latitude, longitude, asn) and <c>risk.anonymous_ip</c>
/// from the configured MaxMind databases. Without a database, or for an address a database does
/// not know (private ranges), geo stays empty rather than guessed.
/// </summary>
internal sealed partial class GeoEnricher(GeoIpLookup geoIp, ILogger<GeoEnricher> logger)
{
    public DecisionInput Enrich(DecisionInput input)
    {
        if (input.Context.Ip is not { } ip || !IPAddress.TryParse(ip, out var address) ||
            (geoIp.CityDatabase is null && geoIp.AsnDatabase is null && geoIp.AnonymousIpDatabase is null))
        {
            return input;
        }

        var geo = new Dictionary<string, CelValue>(5, StringComparer.Ordinal);
        var city = geoIp.City(address);
        Report(city.Status, city.Error);
        if (city.IsFound)
        {
            var value = city.Value;
            if (value.CountryIsoCode is { } country) geo["country"] = CelValue.FromString(country);
            if (value.CityName is { } name) geo["city"] = CelValue.FromString(name);
            if (value.Latitude is { } latitude) geo["latitude"] = CelValue.FromDouble(latitude);
            if (value.Longitude is { } longitude) geo["longitude"] = CelValue.FromDouble(longitude);
        }

        var asn = geoIp.Asn(address);
        Report(asn.Status, asn.Error);
        if (asn.IsFound && asn.Value.Number is { } number)
        {
            geo["asn"] = CelValue.FromInt(number);
        }

        var anonymous = geoIp.AnonymousIp(address);
        Report(anonymous.Status, anonymous.Error);
        var risk = anonymous.IsFound && anonymous.Value.IsAnonymous ? input.Risk with { AnonymousIp = true } : input.Risk;
        var context = input.Context;
        return new DecisionInput
        {
            Subject = input.Subject,
            Action = input.Action,
            Resource = input.Resource,
            Context = new ContextInput { Ip = context.Ip, UserAgent = context.UserAgent, DeviceId = context.DeviceId, Auth = context.Auth, Geo = geo },
            Risk = risk,
            Now = input.Now,
        };
    }

    private void Report(GeoIpStatus status, string? error)
    {
        if (status == GeoIpStatus.Corrupt)
        {
            LogCorrupt(error ?? "unknown");
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "GeoIP database record unreadable; treated as unknown: {Error}")]
    private partial void LogCorrupt(string error);
}
