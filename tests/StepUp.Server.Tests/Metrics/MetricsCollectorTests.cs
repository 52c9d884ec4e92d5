using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StepUp.Server.Metrics;

namespace StepUp.Server.Tests.Metrics;

/// <summary>The listener: which instruments it sees, how it aggregates them, what it renders.</summary>
public sealed class MetricsCollectorTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IMeterFactory _factory;
    private readonly MetricsCollector _collector;
    private readonly Meter _meter;

    public MetricsCollectorTests()
    {
        _factory = _services.GetRequiredService<IMeterFactory>();
        _collector = new MetricsCollector(_factory);
        _meter = _factory.Create(MetricsCollector.MeterName);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _services.Dispose();
    }

    private static KeyValuePair<string, object?> T(string name, object? value) => new(name, value);

    [Fact]
    public void Counter_AddsPerLabelSet_WhateverTheTagOrder()
    {
        var counter = _meter.CreateCounter<long>("stepup.things", description: "Things.");
        counter.Add(1, T("a", "1"), T("b", "2"));
        counter.Add(2, T("b", "2"), T("a", "1"));
        counter.Add(5, T("a", "other"), T("b", "2"));

        var samples = Exposition.Samples(_collector.Scrape());
        Assert.Equal(3, samples["stepup_things_total{a=\"1\",b=\"2\"}"]);
        Assert.Equal(5, samples["stepup_things_total{a=\"other\",b=\"2\"}"]);
        Assert.Contains("# HELP stepup_things_total Things.\n# TYPE stepup_things_total counter\n", _collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_UsesAdvisedBuckets_UpperBoundInclusive()
    {
        var histogram = _meter.CreateHistogram("stepup.wait", "s", "Wait.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5] });
        foreach (var value in (double[])[0.5, 1, 2, 3, 5, 7])
        {
            histogram.Record(value, T("method", "totp"));
        }

        var samples = Exposition.Samples(_collector.Scrape());
        Assert.Equal(2, samples["stepup_wait_seconds_bucket{method=\"totp\",le=\"1\"}"]);
        Assert.Equal(3, samples["stepup_wait_seconds_bucket{method=\"totp\",le=\"2\"}"]);
        Assert.Equal(5, samples["stepup_wait_seconds_bucket{method=\"totp\",le=\"5\"}"]);
        Assert.Equal(6, samples["stepup_wait_seconds_bucket{method=\"totp\",le=\"+Inf\"}"]);
        Assert.Equal(6, samples["stepup_wait_seconds_count{method=\"totp\"}"]);
        Assert.Equal(18.5, samples["stepup_wait_seconds_sum{method=\"totp\"}"]);
    }

    [Fact]
    public void ObservableGauge_IsReadAtEachScrape_AndASeriesNoLongerReportedDisappears()
    {
        var reports = new List<Measurement<int>> { new(3, T("queue", "a")), new(4, T("queue", "b")) };
        _meter.CreateObservableGauge("stepup.depth", () => reports.ToArray(), description: "Depth.");

        var first = Exposition.Samples(_collector.Scrape());
        Assert.Equal(3, first["stepup_depth{queue=\"a\"}"]);
        Assert.Equal(4, first["stepup_depth{queue=\"b\"}"]);

        reports = [new(9, T("queue", "a"))];
        var second = Exposition.Samples(_collector.Scrape());
        Assert.Equal(9, second["stepup_depth{queue=\"a\"}"]);
        Assert.False(second.ContainsKey("stepup_depth{queue=\"b\"}"));
        Assert.Contains("# TYPE stepup_depth gauge", _collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void ObservableCounter_ReportsTheTotal_AsACounter()
    {
        long total = 7;
        _meter.CreateObservableCounter("stepup.commits", () => total, description: "Commits.");
        Assert.Equal(7, Exposition.Samples(_collector.Scrape())["stepup_commits_total"]);
        total = 12;
        Assert.Equal(12, Exposition.Samples(_collector.Scrape())["stepup_commits_total"]);
        Assert.Contains("# TYPE stepup_commits_total counter", _collector.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void IgnoresMetersWithAnotherName_AndTheSameNameFromAnotherHost()
    {
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        otherServices.GetRequiredService<IMeterFactory>().Create(MetricsCollector.MeterName).CreateCounter<long>("stepup.foreign").Add(1);
        _factory.Create("SomethingElse").CreateCounter<long>("stepup.other_meter").Add(1);
        using var unscoped = new Meter(MetricsCollector.MeterName);
        unscoped.CreateCounter<long>("stepup.unscoped").Add(1);
        _meter.CreateCounter<long>("stepup.mine").Add(1);

        var text = _collector.Scrape();
        Assert.Contains("stepup_mine_total 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("foreign", text, StringComparison.Ordinal);
        Assert.DoesNotContain("other_meter", text, StringComparison.Ordinal);
        Assert.DoesNotContain("unscoped", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentRecording_LosesNothing()
    {
        var counter = _meter.CreateCounter<long>("stepup.hits");
        var histogram = _meter.CreateHistogram("stepup.lat", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5] });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                counter.Add(1, T("worker", (worker % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                histogram.Record(1);
            }
        })));

        var samples = Exposition.Samples(_collector.Scrape());
        Assert.Equal(40_000, samples["stepup_hits_total{worker=\"0\"}"]);
        Assert.Equal(40_000, samples["stepup_hits_total{worker=\"1\"}"]);
        Assert.Equal(80_000, samples["stepup_lat_seconds_count"]);
        Assert.Equal(80_000, samples["stepup_lat_seconds_sum"]);
        Assert.Equal(0, samples["stepup_lat_seconds_bucket{le=\"0.5\"}"]);
    }

    [Fact]
    public void TwoScrapesOfTheSameState_AreIdentical()
    {
        var counter = _meter.CreateCounter<long>("stepup.a");
        foreach (var value in (string[])["q", "c", "x", "a"])
        {
            counter.Add(1, T("k", value));
        }

        _meter.CreateObservableGauge("stepup.b", () => 1);
        Assert.Equal(_collector.Scrape(), _collector.Scrape());
    }
}
