using System.Net;
using System.Net.Sockets;
using StepUp.Core.GeoIp;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>
/// Agreement with Debian's <c>mmdblookup</c> (libmaxminddb, written by MaxMind, not us) on a
/// sample of addresses: same status, same decoded record (types included), same prefix length.
/// Fails, not skips, when <c>mmdblookup</c> is missing.
/// </summary>
public sealed class GeoIpOracleTests
{
    private static readonly string[] Extra =
    [
        "0.0.0.0", "1.1.1.1", "1.1.1.16", "1.1.1.32", "8.8.8.8", "10.0.0.1", "81.2.69.142", "175.16.199.7",
        "255.255.255.255", "::", "::1", "::1.1.1.7", "::ffff:81.2.69.142", "::2:0:40", "2001:db8::1",
        "2a02:d2c0::1", "abcd::1", "1000::1234:1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ];

    public static TheoryData<string, string?, int> Databases => new()
    {
        { "GeoIP2-City-Test.mmdb", "GeoIP2-City-Test.json", 3 },
        { "GeoLite2-City-Test.mmdb", "GeoLite2-City-Test.json", 5 },
        { "GeoLite2-ASN-Test.mmdb", "GeoLite2-ASN-Test.json", 9 },
        { "GeoIP2-Anonymous-IP-Test.mmdb", "GeoIP2-Anonymous-IP-Test.json", 1 },
        { "MaxMind-DB-test-decoder.mmdb", null, 0 },
        { "MaxMind-DB-test-nested.mmdb", null, 0 },
        { "MaxMind-DB-test-ipv4-24.mmdb", null, 0 },
        { "MaxMind-DB-test-ipv6-24.mmdb", null, 0 },
        { "MaxMind-DB-test-mixed-24.mmdb", null, 0 },
    };

    [Fact]
    public void MmdbLookup_IsInstalled()
    {
        Assert.True(MmdbLookupTool.Executable is not null, MmdbLookupTool.Missing);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public void Lookup_AgreesWithMmdbLookup_OnSample(string file, string? json, int every)
    {
        var database = GeoIpTestData.Open(file);
        var path = GeoIpTestData.PathOf(file);
        var failures = new List<string>();
        var sample = Sample(json, every);
        foreach (var ip in sample)
        {
            var theirs = MmdbLookupTool.Lookup(path, ip.ToString());
            var ours = database.Lookup(ip);
            if (Compare(database, ip, theirs, ours) is { } difference)
            {
                failures.Add($"{ip}: {difference}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sample.Count} addresses differ:\n" + string.Join('\n', failures.Take(20)));
    }

    /// <summary>Null when our answer and mmdblookup's agree, else how they differ.</summary>
    internal static string? Compare(GeoIpDatabase database, IPAddress ip, MmdbLookupAnswer theirs, GeoIpResult<object> ours)
    {
        if (theirs.Status != ours.Status)
        {
            return $"mmdblookup {theirs.Status}, ours {ours.Status} {ours.Error}\n{theirs.Output}";
        }

        if (ours.Status == GeoIpStatus.Found && MmdbLookupTool.Difference(theirs.Value, ours.Value) is { } difference)
        {
            return difference;
        }

        // libmaxminddb counts IPv4 lookups in an IPv6 tree from the root (96 more bits).
        var ipv4InIpv6 = database.Metadata.IpVersion == 6
            && (ip.AddressFamily == AddressFamily.InterNetwork || ip.IsIPv4MappedToIPv6);
        var expected = ipv4InIpv6 ? ours.PrefixLength + 96 : ours.PrefixLength;
        var prefixAgrees = theirs.PrefixLength == expected || (ipv4InIpv6 && ours.PrefixLength == 0 && theirs.PrefixLength <= 96);
        return ours.Status == GeoIpStatus.Corrupt || theirs.PrefixLength < 0 || prefixAgrees ? null : $"prefix length: mmdblookup {theirs.PrefixLength}, ours {ours.PrefixLength}";
    }

    private static List<IPAddress> Sample(string? json, int every)
    {
        var addresses = Extra.Select(IPAddress.Parse).ToList();
        if (json is null)
        {
            return addresses;
        }

        var random = new Random(20_261_122);
        var networks = GeoIpTestData.Networks(json);
        for (var i = 0; i < networks.Count; i += every)
        {
            var network = networks[i];
            addresses.Add(network.FirstAddress);
            var hostBits = 128 - network.Prefix128;
            var offset = hostBits == 0 ? UInt128.Zero : new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()) & ((UInt128.One << hostBits) - 1);
            addresses.Add(SourceNetwork.FromUInt128(network.Start + offset, network.IsIpv4));
        }

        return addresses;
    }
}
