using System.Net;
using StepUp.Core.GeoIp;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>
/// MaxMind's reader test databases: every data type of the decoder database (values as the
/// MaxMind-DB writer inserted them and libmaxminddb's tests expect), the ipv4/ipv6/mixed range
/// databases, nested structures, metadata, and StepUp's spot checks on the City database.
/// </summary>
public sealed class GeoIpDatabaseTests
{
    private static readonly GeoIpLookup City = new(GeoIpTestData.Open("GeoIP2-City-Test.mmdb"), null, null);

    [Theory]
    [InlineData("1.1.1.0")]
    [InlineData("1.1.1.255")]
    [InlineData("::1.1.1.7")]
    [InlineData("::ffff:1.1.1.1")]
    [InlineData("2.2.0.1")]
    [InlineData("3.200.0.0")]
    [InlineData("4.5.6.7")]
    [InlineData("abcd::ffff")]
    [InlineData("1000::1234:abcd")]
    public void Lookup_DecodesEveryDataType_FromDecoderDatabase(string ip)
    {
        var result = GeoIpTestData.Open("MaxMind-DB-test-decoder.mmdb").Lookup(IPAddress.Parse(ip));

        Assert.Equal(GeoIpStatus.Found, result.Status);
        var record = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(result.Value);
        Assert.Equal(12, record.Count);
        Assert.Equal([1u, 2u, 3u], Assert.IsAssignableFrom<IReadOnlyList<object>>(record["array"]).Cast<uint>());
        Assert.Equal(new byte[] { 0, 0, 0, 42 }, Assert.IsType<byte[]>(record["bytes"]));
        Assert.True(Assert.IsType<bool>(record["boolean"]));
        Assert.Equal(42.123456, Assert.IsType<double>(record["double"]));
        Assert.Equal(1.1f, Assert.IsType<float>(record["float"]));
        Assert.Equal(-268_435_456, Assert.IsType<int>(record["int32"]));
        Assert.Equal((ushort)100, Assert.IsType<ushort>(record["uint16"]));
        Assert.Equal(268_435_456u, Assert.IsType<uint>(record["uint32"]));
        Assert.Equal(1UL << 60, Assert.IsType<ulong>(record["uint64"]));
        Assert.Equal(UInt128.One << 120, Assert.IsType<UInt128>(record["uint128"]));
        Assert.Equal("unicode! ☯ - ♫", Assert.IsType<string>(record["utf8_string"]));
        var map = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(record["map"]);
        var mapX = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(map["mapX"]);
        Assert.Equal("hello", mapX["utf8_stringX"]);
        Assert.Equal([7u, 8u, 9u], Assert.IsAssignableFrom<IReadOnlyList<object>>(mapX["arrayX"]).Cast<uint>());
    }

    [Fact]
    public void Lookup_DecodesZeroValues_FromDecoderDatabase()
    {
        var result = GeoIpTestData.Open("MaxMind-DB-test-decoder.mmdb").Lookup(IPAddress.Parse("::0.0.0.0"));

        var record = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(result.Value);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<object>>(record["array"]));
        Assert.Empty(Assert.IsType<byte[]>(record["bytes"]));
        Assert.False(Assert.IsType<bool>(record["boolean"]));
        Assert.Equal(0.0, Assert.IsType<double>(record["double"]));
        Assert.Equal(0.0f, Assert.IsType<float>(record["float"]));
        Assert.Equal(0, Assert.IsType<int>(record["int32"]));
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(record["map"]));
        Assert.Equal((ushort)0, Assert.IsType<ushort>(record["uint16"]));
        Assert.Equal(0u, Assert.IsType<uint>(record["uint32"]));
        Assert.Equal(0UL, Assert.IsType<ulong>(record["uint64"]));
        Assert.Equal(UInt128.Zero, Assert.IsType<UInt128>(record["uint128"]));
        Assert.Equal("", Assert.IsType<string>(record["utf8_string"]));
        Assert.Equal(128, result.PrefixLength);
    }

    [Fact]
    public void Lookup_DecodesMaximumValues_FromDecoderDatabase()
    {
        var result = GeoIpTestData.Open("MaxMind-DB-test-decoder.mmdb").Lookup(IPAddress.Parse("::255.255.255.255"));

        var record = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(result.Value);
        Assert.Equal(double.PositiveInfinity, Assert.IsType<double>(record["double"]));
        Assert.Equal(float.PositiveInfinity, Assert.IsType<float>(record["float"]));
        Assert.Equal(int.MaxValue, Assert.IsType<int>(record["int32"]));
        Assert.Equal(ushort.MaxValue, Assert.IsType<ushort>(record["uint16"]));
        Assert.Equal(uint.MaxValue, Assert.IsType<uint>(record["uint32"]));
        Assert.Equal(ulong.MaxValue, Assert.IsType<ulong>(record["uint64"]));
        Assert.Equal(UInt128.MaxValue, Assert.IsType<UInt128>(record["uint128"]));
    }

    [Fact]
    public void Lookup_DecodesNestedMapsAndArrays()
    {
        var result = GeoIpTestData.Open("MaxMind-DB-test-nested.mmdb").Lookup(IPAddress.Parse("1.1.1.1"));

        var record = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(result.Value);
        var map2 = (IReadOnlyDictionary<string, object>)((IReadOnlyDictionary<string, object>)record["map1"])["map2"];
        var item = (IReadOnlyDictionary<string, object>)((IReadOnlyList<object>)map2["array"])[0];
        var map3 = (IReadOnlyDictionary<string, object>)item["map3"];
        Assert.Equal(new Dictionary<string, object> { ["a"] = 1u, ["b"] = 2u, ["c"] = 3u }, map3);
    }

    public static TheoryData<string> RangeDatabases => ["MaxMind-DB-test-ipv4-24.mmdb", "MaxMind-DB-test-ipv6-24.mmdb", "MaxMind-DB-test-mixed-24.mmdb"];

    [Theory]
    [MemberData(nameof(RangeDatabases))]
    public void Lookup_ReturnsNetworkStart_ForEveryAddressOfTestRanges(string file)
    {
        // The writer inserted each CIDR of 1.1.1.1–1.1.1.32 (IPv4 and mixed) and ::1:ffff:ffff–::2:0:59
        // (IPv6 and mixed) with {"ip": first address of the CIDR}.
        var database = GeoIpTestData.Open(file);
        var ranges = new List<(UInt128 From, UInt128 To, bool Ipv4)>();
        if (file.Contains("ipv4", StringComparison.Ordinal) || file.Contains("mixed", StringComparison.Ordinal))
        {
            ranges.Add((Number("::1.1.1.1"), Number("::1.1.1.32"), true));
        }

        if (file.Contains("ipv6", StringComparison.Ordinal) || file.Contains("mixed", StringComparison.Ordinal))
        {
            ranges.Add((Number("::1:ffff:ffff"), Number("::2:0:59"), false));
        }

        foreach (var (from, to, ipv4) in ranges)
        {
            foreach (var (start, prefix) in Cidrs(from, to))
            {
                for (var address = start; address <= start + ((UInt128.One << (128 - prefix)) - 1); address++)
                {
                    var ip = SourceNetwork.FromUInt128(address, ipv4);
                    var expectedIp = SourceNetwork.FromUInt128(start, ipv4).ToString();
                    if (ipv4 && database.Metadata.IpVersion == 6)
                    {
                        expectedIp = "::" + expectedIp;
                    }

                    var result = database.Lookup(ip);
                    Assert.Equal(GeoIpStatus.Found, result.Status);
                    Assert.Equal(new Dictionary<string, object> { ["ip"] = expectedIp }, (IReadOnlyDictionary<string, object>)result.Value!);
                    Assert.Equal(ipv4 ? prefix - 96 : prefix, result.PrefixLength);
                }
            }
        }

        var before = database.Lookup(IPAddress.Parse("1.1.1.0"));
        Assert.Equal(GeoIpStatus.NotFound, before.Status);
        Assert.Equal(GeoIpStatus.NotFound, database.Lookup(IPAddress.Parse("1.1.1.33")).Status);
    }

    [Theory]
    [InlineData("::ffff:1.1.1.1")]
    [InlineData("2002:101:101::")]
    [InlineData("::1.1.1.1")]
    public void Lookup_MapsIpv4AliasesToIpv4Subtree_InMixedDatabase(string ip)
    {
        var result = GeoIpTestData.Open("MaxMind-DB-test-mixed-24.mmdb").Lookup(IPAddress.Parse(ip));

        Assert.Equal(GeoIpStatus.Found, result.Status);
        Assert.Equal("::1.1.1.1", ((IReadOnlyDictionary<string, object>)result.Value!)["ip"]);
    }

    [Fact]
    public void Lookup_IsNotFound_ForIpv6AddressInIpv4Database()
    {
        var database = GeoIpTestData.Open("MaxMind-DB-test-ipv4-24.mmdb");

        Assert.Equal(GeoIpStatus.NotFound, database.Lookup(IPAddress.Parse("2001:db8::1")).Status);
        Assert.Equal(GeoIpStatus.Found, database.Lookup(IPAddress.Parse("::ffff:1.1.1.1")).Status);
    }

    [Fact]
    public void Metadata_IsRead_FromCityDatabase()
    {
        var metadata = GeoIpTestData.Open("GeoIP2-City-Test.mmdb").Metadata;

        Assert.Equal("GeoIP2-City", metadata.DatabaseType);
        Assert.Equal(6, metadata.IpVersion);
        Assert.Equal(28, metadata.RecordSize);
        Assert.Equal(1547u, metadata.NodeCount);
        Assert.Equal(2, metadata.BinaryFormatMajorVersion);
        Assert.Equal(0, metadata.BinaryFormatMinorVersion);
        Assert.Equal(["en", "zh"], metadata.Languages);
        Assert.Equal("小型数据库", metadata.Description["zh"]);
        Assert.Equal(1_770_245_369UL, metadata.BuildEpoch);
        Assert.Equal(new DateTimeOffset(2026, 2, 4, 22, 49, 29, TimeSpan.Zero), metadata.BuildTime);
    }

    [Fact]
    public void City_FindsLondon()
    {
        var result = City.City(IPAddress.Parse("81.2.69.142"));

        Assert.Equal(GeoIpStatus.Found, result.Status);
        Assert.Equal(new GeoIpCity("GB", "London", 51.5142, -0.0931), result.Value);
    }

    [Fact]
    public void City_FindsMilton()
    {
        var result = City.City(IPAddress.Parse("216.160.83.56"));

        Assert.Equal("US", result.Value.CountryIsoCode);
        Assert.Equal("Milton", result.Value.CityName);
    }

    [Theory]
    [InlineData("175.16.199.0")]
    [InlineData("175.16.199.255")]
    public void City_FindsChangchun(string ip)
    {
        var result = City.City(IPAddress.Parse(ip));

        Assert.Equal("CN", result.Value.CountryIsoCode);
        Assert.Equal("Changchun", result.Value.CityName);
        Assert.Equal(24, result.PrefixLength);
    }

    [Theory]
    [InlineData("89.160.20.112")]
    [InlineData("89.160.20.127")]
    public void City_FindsLinkoping(string ip)
    {
        var result = City.City(IPAddress.Parse(ip));

        Assert.Equal("SE", result.Value.CountryIsoCode);
        Assert.Equal("Linköping", result.Value.CityName);
        Assert.Equal(28, result.PrefixLength);
    }

    [Theory]
    [InlineData("2a02:d2c0::")]
    [InlineData("2a02:d2c7:ffff::1")]
    public void City_FindsIran_ForIpv6Network(string ip)
    {
        var result = City.City(IPAddress.Parse(ip));

        Assert.Equal(GeoIpStatus.Found, result.Status);
        Assert.Equal("IR", result.Value.CountryIsoCode);
        Assert.Equal(29, result.PrefixLength);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("172.16.5.4")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    public void City_IsNotFound_ForPrivateAddresses(string ip)
    {
        var result = City.City(IPAddress.Parse(ip));

        Assert.Equal(GeoIpStatus.NotFound, result.Status);
        Assert.Equal(default, result.Value);
    }

    [Fact]
    public void Lookup_ReturnsNoDatabase_WhenNotConfigured()
    {
        Assert.Equal(GeoIpStatus.NoDatabase, GeoIpLookup.Empty.City(IPAddress.Loopback).Status);
        Assert.Equal(GeoIpStatus.NoDatabase, GeoIpLookup.Empty.Asn(IPAddress.Loopback).Status);
        Assert.Equal(GeoIpStatus.NoDatabase, GeoIpLookup.Empty.AnonymousIp(IPAddress.Loopback).Status);
    }

    [Fact]
    public void Open_OpensConfiguredPaths_AndSkipsEmptyOnes()
    {
        var lookup = GeoIpLookup.Open(GeoIpTestData.PathOf("GeoIP2-City-Test.mmdb"), "", GeoIpTestData.PathOf("GeoIP2-Anonymous-IP-Test.mmdb"));

        Assert.NotNull(lookup.CityDatabase);
        Assert.Null(lookup.AsnDatabase);
        Assert.Equal(new GeoIpAsn(15169, "Google Inc."), GeoIpLookup.Open(null, GeoIpTestData.PathOf("GeoLite2-ASN-Test.mmdb"), null).Asn(IPAddress.Parse("1.0.0.1")).Value);
        var anonymous = lookup.AnonymousIp(IPAddress.Parse("81.2.69.1")).Value;
        Assert.Equal(new GeoIpAnonymousIp(true, true, true, true, true, true), anonymous);
    }

    [Fact]
    public void Open_Throws_ForMissingFile()
    {
        Assert.Throws<FileNotFoundException>(() => GeoIpDatabase.Open(GeoIpTestData.PathOf("no-such.mmdb")));
    }

    [Fact]
    public async Task Lookups_AgreeAcrossThreads()
    {
        var addresses = GeoIpTestData.Networks("GeoIP2-City-Test.json").Select(n => n.FirstAddress).ToArray();
        var expected = addresses.Select(a => City.City(a)).ToArray();

        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var round = 0; round < 50; round++)
            {
                for (var i = 0; i < addresses.Length; i++)
                {
                    if (City.City(addresses[i]) != expected[i])
                    {
                        return false;
                    }
                }
            }

            return true;
        }));

        Assert.All(await Task.WhenAll(tasks), Assert.True);
    }

    private static UInt128 Number(string ip) => SourceNetwork.ToUInt128(IPAddress.Parse(ip));

    /// <summary>The CIDR blocks covering [from, to], largest first (what the writer inserted).</summary>
    private static IEnumerable<(UInt128 Start, int Prefix)> Cidrs(UInt128 from, UInt128 to)
    {
        while (from <= to)
        {
            var size = from == 0 ? 128 : (int)UInt128.TrailingZeroCount(from);
            while (size > 0 && from + ((UInt128.One << size) - 1) > to)
            {
                size--;
            }

            yield return (from, 128 - size);
            from += UInt128.One << size;
        }
    }
}
