namespace StepUp.Server.Metrics;

/// <summary>The Prometheus type of a metric family.</summary>
internal enum MetricType
{
    /// <summary>A monotonic total (<c>_total</c>).</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Observations counted into cumulative <c>le</c> buckets, with <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,
}

/// <summary>A snapshot of one metric family as it is exposed: name, help, type and series.</summary>
internal sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricSample> Samples);

/// <summary>One series of a family: its labels and value, or its histogram.</summary>
internal sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramValue? Histogram = null);

/// <summary>
/// A histogram series: upper bounds (ascending, without <c>+Inf</c>), one count per bucket
/// (not cumulative; one more than the bounds, the last for <c>+Inf</c>) and the sum.
/// </summary>
internal sealed record HistogramValue(IReadOnlyList<double> Bounds, IReadOnlyList<long> Counts, double Sum);
