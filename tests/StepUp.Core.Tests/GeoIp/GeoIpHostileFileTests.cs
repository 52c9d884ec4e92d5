using System.Net;
using StepUp.Core.GeoIp;

namespace StepUp.Core.Tests.GeoIp;

/// <summary>
/// Malformed databases: MaxMind's <c>bad-data</c> files and the broken/invalid test databases,
/// plus every truncation of a small database and seeded byte corruptions of real ones. Each must
/// fail to open with <see cref="GeoIpFormatException"/> or answer every lookup with a result —
/// never another exception, never a hang. A record decoded from a damaged file must match what
/// <c>mmdblookup</c> decodes there.
/// </summary>
public sealed class GeoIpHostileFileTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static readonly IPAddress[] Probes =
    [
        .. new[]
        {
            "0.0.0.0", "1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.8", "1.1.1.16", "1.1.1.32", "1.2.3.4",
            "81.2.69.142", "89.160.20.112", "128.0.0.1", "216.160.83.56", "255.255.255.255", "::", "::1:ffff:ffff",
            "::ffff:1.1.1.1", "2001:218::1", "2a02:d2c0::1", "ffff::1",
        }.Select(IPAddress.Parse),
    ];

    public static TheoryData<string> HostileFiles()
    {
        var files = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(GeoIpTestData.Directory, "bad"), "*.mmdb").Order(StringComparer.Ordinal))
        {
            files.Add("bad/" + Path.GetFileName(path));
        }

        foreach (var path in Directory.GetFiles(GeoIpTestData.Directory, "*.mmdb").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.Contains("Broken", StringComparison.Ordinal) || name.Contains("broken", StringComparison.Ordinal) || name.Contains("Invalid", StringComparison.Ordinal))
            {
                files.Add(name);
            }
        }

        return files;
    }

    [Fact]
    public void HostileFiles_AreAllPresent()
    {
        // 21 files in bad/ and 4 broken or invalid databases, as copied from ../shared/testdata/geoip.
        Assert.Equal(25, HostileFiles().Count);
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void HostileFile_FailsCleanlyOrAnswersCorrectly(string file)
    {
        var path = GeoIpTestData.PathOf(file);
        var database = Bounded(() => TryOpen(File.ReadAllBytes(path)));
        if (database is null)
        {
            return;
        }

        var lookup = new GeoIpLookup(database, database, database);
        var failures = new List<string>();
        foreach (var ip in Probes)
        {
            var result = Bounded(() => database.Lookup(ip));
            Bounded(() => lookup.City(ip));
            Bounded(() => lookup.Asn(ip));
            Bounded(() => lookup.AnonymousIp(ip));
            if (result.Status == GeoIpStatus.Found)
            {
                // What we decode from a damaged file must be what libmaxminddb decodes there.
                var theirs = MmdbLookupTool.Lookup(path, ip.ToString());
                if (theirs.Status == GeoIpStatus.Found && GeoIpOracleTests.Compare(database, ip, theirs, result) is { } difference)
                {
                    failures.Add($"{ip}: {difference}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Open_Throws_ForInvalidNodeCount()
    {
        var error = Assert.Throws<GeoIpFormatException>(() => GeoIpDatabase.Open(GeoIpTestData.PathOf("GeoIP2-City-Test-Invalid-Node-Count.mmdb")));

        Assert.Contains("node_count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lookup_ReturnsCorrupt_ForPointerPastDataSection()
    {
        var database = GeoIpDatabase.Open(GeoIpTestData.PathOf("MaxMind-DB-test-broken-pointers-24.mmdb"));

        var result = database.Lookup(IPAddress.Parse("1.1.1.16"));

        Assert.Equal(GeoIpStatus.Corrupt, result.Status);
        Assert.Contains("pointer", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void City_ReturnsCorrupt_ForBrokenDoubleFormat()
    {
        var lookup = new GeoIpLookup(GeoIpDatabase.Open(GeoIpTestData.PathOf("GeoIP2-City-Test-Broken-Double-Format.mmdb")), null, null);

        var result = lookup.City(IPAddress.Parse("2001:220::1"));

        Assert.Equal(GeoIpStatus.Corrupt, result.Status);
        Assert.Contains("double", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad/libmaxminddb-deep-nesting.mmdb")]
    [InlineData("bad/libmaxminddb-deep-array-nesting.mmdb")]
    [InlineData("bad/libmaxminddb-oversized-array.mmdb")]
    [InlineData("bad/libmaxminddb-oversized-map.mmdb")]
    [InlineData("bad/libmaxminddb-separator-record-min-left.mmdb")]
    [InlineData("bad/libmaxminddb-separator-record-max-left.mmdb")]
    public void Lookup_ReturnsCorrupt_ForDamagedRecords(string file)
    {
        var database = GeoIpDatabase.Open(GeoIpTestData.PathOf(file));

        var result = Bounded(() => database.Lookup(IPAddress.Parse("1.1.1.1")));

        Assert.Equal(GeoIpStatus.Corrupt, result.Status);
    }

    [Fact]
    public void Open_AcceptsMaximumBuildEpoch()
    {
        var metadata = GeoIpDatabase.Open(GeoIpTestData.PathOf("bad/libmaxminddb-uint64-max-epoch.mmdb")).Metadata;

        Assert.Equal(ulong.MaxValue, metadata.BuildEpoch);
        Assert.Null(metadata.BuildTime);
    }

    [Fact]
    public void EveryTruncation_FailsCleanlyOrAnswers()
    {
        var bytes = File.ReadAllBytes(GeoIpTestData.PathOf("MaxMind-DB-test-mixed-24.mmdb"));
        for (var length = 0; length < bytes.Length; length++)
        {
            var database = TryOpen(bytes.AsSpan(0, length).ToArray());
            if (database is not null)
            {
                foreach (var ip in Probes)
                {
                    database.Lookup(ip);
                }
            }
        }
    }

    [Theory]
    [InlineData("GeoIP2-City-Test.mmdb", 400)]
    [InlineData("MaxMind-DB-test-decoder.mmdb", 400)]
    [InlineData("GeoIP2-Anonymous-IP-Test.mmdb", 200)]
    public void SeededCorruptions_FailCleanlyOrAnswer(string file, int rounds)
    {
        var original = File.ReadAllBytes(GeoIpTestData.PathOf(file));
        var random = new Random(5);
        var opened = 0;
        for (var round = 0; round < rounds; round++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 9);
            for (var i = 0; i < flips; i++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var database = Bounded(() => TryOpen(bytes));
            if (database is null)
            {
                continue;
            }

            opened++;
            var lookup = new GeoIpLookup(database, database, database);
            Bounded(() =>
            {
                foreach (var ip in Probes)
                {
                    Assert.NotEqual(GeoIpStatus.NoDatabase, database.Lookup(ip).Status);
                    lookup.City(ip);
                    lookup.Asn(ip);
                    lookup.AnonymousIp(ip);
                }

                return true;
            });
        }

        Assert.True(opened > 0);
    }

    /// <summary>The database, or null after the one expected failure (<see cref="GeoIpFormatException"/>).</summary>
    private static GeoIpDatabase? TryOpen(byte[] bytes)
    {
        try
        {
            return GeoIpDatabase.FromBytes(bytes);
        }
        catch (GeoIpFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return null;
        }
    }

    private static T Bounded<T>(Func<T> action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(Limit), $"did not finish within {Limit.TotalSeconds} s");
        return task.Result;
    }
}
