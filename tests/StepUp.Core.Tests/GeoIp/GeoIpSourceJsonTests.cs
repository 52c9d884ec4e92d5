using System.Net;
using System.Text.Json;
using StepUp.Core.GeoIp;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>
/// Every network of MaxMind's source JSON: the first address of each must decode to exactly what
/// the JSON says (the network that the writer's insertion order leaves in charge of it), with the
/// prefix length the tree has there; the typed projections must agree with the same JSON.
/// </summary>
public sealed class GeoIpSourceJsonTests
{
    public static TheoryData<string, string> Databases => new()
    {
        { "GeoIP2-City-Test.mmdb", "GeoIP2-City-Test.json" },
        { "GeoLite2-City-Test.mmdb", "GeoLite2-City-Test.json" },
        { "GeoLite2-ASN-Test.mmdb", "GeoLite2-ASN-Test.json" },
        { "GeoIP2-Anonymous-IP-Test.mmdb", "GeoIP2-Anonymous-IP-Test.json" },
    };

    [Theory]
    [MemberData(nameof(Databases))]
    public void Lookup_ReturnsSourceJson_ForFirstAddressOfEveryNetwork(string mmdb, string json)
    {
        var database = GeoIpTestData.Open(mmdb);
        var networks = GeoIpTestData.Networks(json);
        Assert.NotEmpty(networks);

        var failures = new List<string>();
        foreach (var network in networks)
        {
            var (winner, prefix128) = SourceNetwork.Resolve(networks, network.Start);
            var expectedPrefix = network.IsIpv4 ? prefix128 - 96 : prefix128;
            var result = database.Lookup(network.FirstAddress);
            if (result.Status != GeoIpStatus.Found)
            {
                failures.Add($"{network.Name}: {result.Status} {result.Error}");
                continue;
            }

            if (JsonEquivalence.Difference(winner.Value, result.Value) is { } difference)
            {
                failures.Add($"{network.Name}: {difference}");
            }

            // The writer merges sibling networks with equal data, so the tree may answer for a
            // wider network than the JSON wrote; never a narrower one, and never one that also
            // covers a JSON network with different data.
            if (result.PrefixLength > expectedPrefix)
            {
                failures.Add($"{network.Name}: prefix length {result.PrefixLength}, expected at most {expectedPrefix}");
            }

            var block = network with { Prefix128 = network.IsIpv4 ? result.PrefixLength + 96 : result.PrefixLength };
            foreach (var other in networks.Where(n => block.Contains(n.Start)))
            {
                var otherWinner = SourceNetwork.Resolve(networks, other.Start).Winner;
                if (!JsonElement.DeepEquals(otherWinner.Value, winner.Value))
                {
                    failures.Add($"{network.Name}: answered for /{result.PrefixLength}, which also covers {other.Name} with other data");
                }
            }

            // The same address written as IPv6 (::a.b.c.d) walks the tree from the root instead.
            if (network.IsIpv4)
            {
                var asIpv6 = database.Lookup(SourceNetwork.FromUInt128(network.Start, ipv4: false));
                if (JsonEquivalence.Difference(winner.Value, asIpv6.Value) is not null || asIpv6.PrefixLength != result.PrefixLength + 96)
                {
                    failures.Add($"{network.Name} as ::{network.FirstAddress}: {asIpv6.Status} /{asIpv6.PrefixLength}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {networks.Count} networks differ:\n" + string.Join('\n', failures.Take(20)));
    }

    [Theory]
    [InlineData("GeoIP2-City-Test.mmdb", "GeoIP2-City-Test.json")]
    [InlineData("GeoLite2-City-Test.mmdb", "GeoLite2-City-Test.json")]
    public void City_ProjectsCountryCityAndLocation_ForEveryNetwork(string mmdb, string json)
    {
        var lookup = new GeoIpLookup(GeoIpTestData.Open(mmdb), null, null);
        var networks = GeoIpTestData.Networks(json);
        foreach (var network in networks)
        {
            var winner = SourceNetwork.Resolve(networks, network.Start).Winner.Value;
            var expected = new GeoIpCity(
                Path(winner, "country", "iso_code")?.GetString(),
                Path(winner, "city", "names", "en")?.GetString(),
                Path(winner, "location", "latitude")?.GetDouble(),
                Path(winner, "location", "longitude")?.GetDouble());
            var result = lookup.City(network.FirstAddress);
            Assert.Equal(GeoIpStatus.Found, result.Status);
            Assert.Equal(expected, result.Value);
        }
    }

    [Fact]
    public void Asn_ProjectsNumberAndOrganization_ForEveryNetwork()
    {
        var lookup = new GeoIpLookup(null, GeoIpTestData.Open("GeoLite2-ASN-Test.mmdb"), null);
        var networks = GeoIpTestData.Networks("GeoLite2-ASN-Test.json");
        foreach (var network in networks)
        {
            var winner = SourceNetwork.Resolve(networks, network.Start).Winner.Value;
            var expected = new GeoIpAsn(
                Path(winner, "autonomous_system_number")?.GetUInt32(),
                Path(winner, "autonomous_system_organization")?.GetString());
            var result = lookup.Asn(network.FirstAddress);
            Assert.Equal(GeoIpStatus.Found, result.Status);
            Assert.Equal(expected, result.Value);
        }
    }

    [Fact]
    public void AnonymousIp_ProjectsEveryFlag_ForEveryNetwork()
    {
        var lookup = new GeoIpLookup(null, null, GeoIpTestData.Open("GeoIP2-Anonymous-IP-Test.mmdb"));
        var networks = GeoIpTestData.Networks("GeoIP2-Anonymous-IP-Test.json");
        foreach (var network in networks)
        {
            var winner = SourceNetwork.Resolve(networks, network.Start).Winner.Value;
            var expected = new GeoIpAnonymousIp(
                Flag(winner, "is_anonymous"),
                Flag(winner, "is_anonymous_vpn"),
                Flag(winner, "is_hosting_provider"),
                Flag(winner, "is_public_proxy"),
                Flag(winner, "is_tor_exit_node"),
                Flag(winner, "is_residential_proxy"));
            var result = lookup.AnonymousIp(network.FirstAddress);
            Assert.Equal(GeoIpStatus.Found, result.Status);
            Assert.Equal(expected, result.Value);
        }

        // Outside every listed network the database holds an empty record: found, no flag set.
        var unlisted = lookup.AnonymousIp(IPAddress.Parse("8.8.8.8"));
        Assert.Equal(GeoIpStatus.Found, unlisted.Status);
        Assert.Equal(default, unlisted.Value);
    }

    private static JsonElement? Path(JsonElement element, params string[] path)
    {
        foreach (var key in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out element))
            {
                return null;
            }
        }

        return element;
    }

    private static bool Flag(JsonElement element, string key) => Path(element, key)?.GetBoolean() ?? false;
}
