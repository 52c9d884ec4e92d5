using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StepUp.Server.Tests.Infrastructure;

namespace StepUp.Server.Tests.Risk;

public class GeoIpFixture : ServerFixture
{
    private static string Db(string name) => Path.Combine(AppContext.BaseDirectory, "geoip", name);

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("StepUp:GeoIp:CityDatabase", Db("GeoIP2-City-Test.mmdb")),
        new("StepUp:GeoIp:AsnDatabase", Db("GeoLite2-ASN-Test.mmdb")),
        new("StepUp:GeoIp:AnonymousIpDatabase", Db("GeoIP2-Anonymous-IP-Test.mmdb")),
    ];
}

/// <summary>Decisions with MaxMind's City, ASN and Anonymous-IP test databases.</summary>
public class GeoIpDecisionTests(GeoIpFixture server) : IClassFixture<GeoIpFixture>
{
    private async Task<JsonObject> DecideAsync(string subject, string ip)
    {
        var response = await server.Client().PostAsJsonAsync("/v1/decisions", new { subject = new { id = subject, session_id = "s" }, action = "records.read", context = new { ip } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonObject> AuditedAsync(string decisionId) =>
        (await server.AllEventsAsync("decision.evaluated")).Single(e => e["id"]!.GetValue<string>() == decisionId);

    [Fact]
    public async Task SanctionedCountry_IsDenied_ByTheHasGuardedRule()
    {
        var decision = await DecideAsync("geo-ir", "2a02:d2c0::1");
        Assert.Equal("deny", decision["decision"]!.GetValue<string>());
        Assert.Contains("sanctioned-regions", decision["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        var evt = await AuditedAsync(decision["decision_id"]!.GetValue<string>());
        Assert.Equal("IR", evt["context"]!["geo"]!["country"]!.GetValue<string>());
    }

    [Fact]
    public async Task LondonAddress_GetsCountryCityAndCoordinates_InTheAuditTrail()
    {
        var decision = await DecideAsync("geo-gb", "81.2.69.142");
        Assert.DoesNotContain("sanctioned-regions", decision["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        var geo = (await AuditedAsync(decision["decision_id"]!.GetValue<string>()))["context"]!["geo"]!;
        Assert.Equal("GB", geo["country"]!.GetValue<string>());
        Assert.Equal("London", geo["city"]!.GetValue<string>());
        Assert.Equal(51.5142, geo["latitude"]!.GetValue<double>(), 3);
        Assert.Equal(-0.0931, geo["longitude"]!.GetValue<double>(), 3);
    }

    [Fact]
    public async Task PrivateAddress_HasAnEmptyGeo()
    {
        var decision = await DecideAsync("geo-private", "10.1.2.3");
        Assert.Equal("allow", decision["decision"]!.GetValue<string>());
        Assert.Null((await AuditedAsync(decision["decision_id"]!.GetValue<string>()))["context"]!["geo"]);
    }

    [Fact]
    public async Task AnonymousIp_SetsTheSignal_AndTheRuleSteppingUp()
    {
        var decision = await DecideAsync("geo-anon", "1.2.0.1");
        Assert.Contains("anonymous_ip", decision["risk"]!["signals"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("step_up", decision["decision"]!.GetValue<string>());
        Assert.Contains("anonymous-network", decision["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
    }
}
