using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StepUp.Server.Metrics;

/// <summary>
/// Pre-aggregates one instrument's measurements per label set as they arrive: counters add,
/// gauges and observable instruments set, histograms count into their bucket. The recording path
/// is a dictionary lookup and an interlocked update; nothing is buffered.
/// </summary>
internal sealed class InstrumentAggregator
{
    /// <summary>Buckets of a histogram without advice (OpenTelemetry's defaults).</summary>
    public static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly ConcurrentDictionary<LabelSet, ValueCell> _values = new();
    private readonly ConcurrentDictionary<LabelSet, HistogramCell> _histograms = new();
    private readonly double[] _bounds;
    private readonly bool _adds;

    public InstrumentAggregator(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
        Type = definition == typeof(Histogram<>) ? MetricType.Histogram
            : definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? MetricType.Counter
            : MetricType.Gauge;
        IsObservable = instrument.IsObservable;
        _adds = definition == typeof(Counter<>) || definition == typeof(UpDownCounter<>);
        _bounds = Type == MetricType.Histogram ? BoundsOf(instrument) : [];
        Name = PrometheusNames.Metric(instrument, Type);
        Help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    /// <summary>Observable instruments report their whole state at each collection.</summary>
    public bool IsObservable { get; }

    /// <summary>Takes one measurement (from the listener's callback).</summary>
    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = LabelSet.From(tags);
        if (Type == MetricType.Histogram)
        {
            if (double.IsNaN(value))
            {
                return;
            }

            var bucket = Array.BinarySearch(_bounds, value);
            var cell = _histograms.GetOrAdd(labels, static (_, buckets) => new HistogramCell(buckets), _bounds.Length + 1);
            cell.Record(bucket >= 0 ? bucket : ~bucket, value);
            return;
        }

        var valueCell = _values.GetOrAdd(labels, static _ => new ValueCell());
        if (_adds)
        {
            valueCell.Add(value);
        }
        else
        {
            valueCell.Set(value);
        }
    }

    /// <summary>Forgets observed series before a collection, so a series no longer reported disappears.</summary>
    public void ResetObservations()
    {
        if (IsObservable)
        {
            _values.Clear();
        }
    }

    /// <summary>The current state as a family.</summary>
    public MetricFamily Snapshot()
    {
        var samples = new List<MetricSample>();
        if (Type == MetricType.Histogram)
        {
            foreach (var (labels, cell) in _histograms)
            {
                var (counts, sum) = cell.Read();
                samples.Add(new MetricSample(labels.Labels.ToArray(), 0, new HistogramValue(_bounds, counts, sum)));
            }
        }
        else
        {
            foreach (var (labels, cell) in _values)
            {
                samples.Add(new MetricSample(labels.Labels.ToArray(), cell.Value));
            }
        }

        return new MetricFamily(Name, Help, Type, samples);
    }

    private static double[] BoundsOf(Instrument instrument)
    {
        IReadOnlyList<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        return advised is { Count: > 0 } ? [.. advised] : DefaultBounds;
    }
}
