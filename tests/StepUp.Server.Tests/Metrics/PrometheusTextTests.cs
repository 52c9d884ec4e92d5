using StepUp.Server.Metrics;

namespace StepUp.Server.Tests.Metrics;

/// <summary>The text exposition format 0.0.4, line by line.</summary>
public class PrometheusTextTests
{
    private static KeyValuePair<string, string> L(string name, string value) => new(name, value);

    [Fact]
    public void Write_Counter_HasHelpTypeAndOneLinePerSeries()
    {
        var text = PrometheusText.Write(
        [
            new MetricFamily("stepup_decisions_total", "Decisions made.", MetricType.Counter,
            [
                new MetricSample([L("effect", "deny"), L("rule", "frozen-account")], 2),
                new MetricSample([L("effect", "allow"), L("rule", "none")], 40),
            ]),
        ]);

        Assert.Equal(
            "# HELP stepup_decisions_total Decisions made.\n" +
            "# TYPE stepup_decisions_total counter\n" +
            "stepup_decisions_total{effect=\"allow\",rule=\"none\"} 40\n" +
            "stepup_decisions_total{effect=\"deny\",rule=\"frozen-account\"} 2\n",
            text);
    }

    [Fact]
    public void Write_GaugeWithoutLabels_HasNoBraces()
    {
        var text = PrometheusText.Write([new MetricFamily("stepup_audit_queue_depth", "Waiting.", MetricType.Gauge, [new MetricSample([], 3)])]);
        Assert.Equal("# HELP stepup_audit_queue_depth Waiting.\n# TYPE stepup_audit_queue_depth gauge\nstepup_audit_queue_depth 3\n", text);
    }

    [Fact]
    public void Write_FamilyWithoutSeries_StillHasHelpAndType()
    {
        var text = PrometheusText.Write([new MetricFamily("stepup_alerts_total", "Alerts.", MetricType.Counter, [])]);
        Assert.Equal("# HELP stepup_alerts_total Alerts.\n# TYPE stepup_alerts_total counter\n", text);
    }

    [Fact]
    public void Write_EscapesLabelValues_BackslashQuoteAndNewline()
    {
        var text = PrometheusText.Write([new MetricFamily("m_total", "h", MetricType.Counter, [new MetricSample([L("action", "a\\b\"c\nd")], 1)])]);
        Assert.Contains("m_total{action=\"a\\\\b\\\"c\\nd\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EscapesHelp_BackslashAndNewline_ButNotQuotes()
    {
        var text = PrometheusText.Write([new MetricFamily("m", "say \"hi\"\\now\nnext", MetricType.Gauge, [])]);
        Assert.StartsWith("# HELP m say \"hi\"\\\\now\\nnext\n# TYPE m gauge\n", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Count(c => c == '\n'));
    }

    [Fact]
    public void Write_Histogram_BucketsAreCumulative_WithInfEqualToCount()
    {
        var histogram = new HistogramValue([0.5, 1, 2.5], [1, 0, 2, 3], 17.25);
        var text = PrometheusText.Write([new MetricFamily("stepup_x_seconds", "x", MetricType.Histogram, [new MetricSample([L("method", "totp")], 0, histogram)])]);

        Assert.Equal(
            "# HELP stepup_x_seconds x\n" +
            "# TYPE stepup_x_seconds histogram\n" +
            "stepup_x_seconds_bucket{method=\"totp\",le=\"0.5\"} 1\n" +
            "stepup_x_seconds_bucket{method=\"totp\",le=\"1\"} 1\n" +
            "stepup_x_seconds_bucket{method=\"totp\",le=\"2.5\"} 3\n" +
            "stepup_x_seconds_bucket{method=\"totp\",le=\"+Inf\"} 6\n" +
            "stepup_x_seconds_sum{method=\"totp\"} 17.25\n" +
            "stepup_x_seconds_count{method=\"totp\"} 6\n",
            text);
    }

    [Fact]
    public void Write_HistogramWithoutLabels_HasOnlyLe()
    {
        var text = PrometheusText.Write([new MetricFamily("h_seconds", "h", MetricType.Histogram, [new MetricSample([], 0, new HistogramValue([0.0005], [0, 0], 0))])]);
        Assert.Contains("h_seconds_bucket{le=\"0.0005\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\nh_seconds_sum 0\nh_seconds_count 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OrdersFamiliesByName_AndSeriesByLabels_Stably()
    {
        MetricFamily[] families =
        [
            new("b_total", "b", MetricType.Counter, [new MetricSample([L("k", "z")], 1), new MetricSample([L("k", "a")], 2)]),
            new("a", "a", MetricType.Gauge, [new MetricSample([L("k", "y")], 1), new MetricSample([L("k", "x")], 1)]),
        ];
        var text = PrometheusText.Write(families);
        var reversed = PrometheusText.Write(families.Reverse().Select(f => f with { Samples = f.Samples.Reverse().ToArray() }));

        Assert.Equal(text, reversed);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["# HELP a a", "# TYPE a gauge", "a{k=\"x\"} 1", "a{k=\"y\"} 1", "# HELP b_total b", "# TYPE b_total counter", "b_total{k=\"a\"} 2", "b_total{k=\"z\"} 1"], lines);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(42, "42")]
    [InlineData(0.0005, "0.0005")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void FormatValue_UsesPrometheusSpelling(double value, string expected) => Assert.Equal(expected, PrometheusText.FormatValue(value));

    [Theory]
    [InlineData("stepup.decisions", null, "Counter", "stepup_decisions_total")]
    [InlineData("stepup.audit.commit", "s", "Histogram", "stepup_audit_commit_seconds")]
    [InlineData("stepup.audit.queue_depth", null, "Gauge", "stepup_audit_queue_depth")]
    [InlineData("stepup.wait_seconds", "s", "Gauge", "stepup_wait_seconds")]
    [InlineData("stepup.things_total", null, "Counter", "stepup_things_total")]
    [InlineData("9lives-x", null, "Gauge", "_9lives_x")]
    public void MetricName_MapsInstrumentNameUnitAndType(string name, string? unit, string type, string expected) =>
        Assert.Equal(expected, PrometheusNames.Metric(name, unit, Enum.Parse<MetricType>(type)));

    [Fact]
    public void LabelName_ReplacesInvalidCharacters() => Assert.Equal("device_class", PrometheusNames.Label("device.class"));

    [Fact]
    public void ContentType_IsVersion004Utf8() => Assert.Equal("text/plain; version=0.0.4; charset=utf-8", PrometheusText.ContentType);
}
