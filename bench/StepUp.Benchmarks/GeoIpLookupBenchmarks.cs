using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using StepUp.Core.GeoIp;

namespace StepUp.Benchmarks;

/// <summary>
/// MaxMind DB lookups on MaxMind's GeoIP2 City test database (the copy under
/// <c>tests/StepUp.Core.Tests/GeoIp/TestData</c>, or the file named by <c>STEPUP_GEOIP_CITY</c>).
/// <see cref="City"/> is what a decision pays: tree walk plus the City projection (country ISO
/// code, English city name, coordinates); <see cref="FullRecord"/> decodes the whole record for
/// comparison. Target: City ≤ 1 µs median.
/// Run: <c>dotnet run -c Release --project bench/StepUp.Benchmarks -- --filter '*GeoIpLookup*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MedianConfig))]
public class GeoIpLookupBenchmarks
{
    private GeoIpLookup _lookup = null!;
    private IPAddress _address = null!;

    /// <summary>An IPv4 address in the IPv6 tree (London), an IPv6 one (Iran), and a private miss.</summary>
    [Params("81.2.69.142", "2a02:d2c0::1", "10.0.0.1")]
    public string Address { get; set; } = "81.2.69.142";

    [GlobalSetup]
    public void Setup()
    {
        _lookup = new GeoIpLookup(GeoIpDatabase.Open(CityDatabasePath()), null, null);
        _address = IPAddress.Parse(Address);

        // Fail loudly if the benchmark stopped measuring what it claims to measure.
        var expected = Address switch
        {
            "81.2.69.142" => (GeoIpStatus.Found, "GB"),
            "2a02:d2c0::1" => (GeoIpStatus.Found, "IR"),
            _ => (GeoIpStatus.NotFound, (string?)null),
        };
        var result = _lookup.City(_address);
        if ((result.Status, result.Value.CountryIsoCode) != expected)
        {
            throw new InvalidOperationException($"{Address}: {result.Status} {result.Value}, expected {expected}");
        }
    }

    [Benchmark(Baseline = true)]
    public GeoIpResult<GeoIpCity> City() => _lookup.City(_address);

    [Benchmark]
    public GeoIpResult<object> FullRecord() => _lookup.CityDatabase!.Lookup(_address);

    private static string CityDatabasePath()
    {
        if (Environment.GetEnvironmentVariable("STEPUP_GEOIP_CITY") is { Length: > 0 } configured)
        {
            return configured;
        }

        // BenchmarkDotNet runs from a generated folder below the repository; walk up to it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "StepUp.Core.Tests", "GeoIp", "TestData", "GeoIP2-City-Test.mmdb");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("GeoIP2-City-Test.mmdb not found above " + AppContext.BaseDirectory + "; set STEPUP_GEOIP_CITY");
    }

    private sealed class MedianConfig : ManualConfig
    {
        public MedianConfig()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            SummaryStyle = SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Nanosecond);
        }
    }
}
