using System.Diagnostics.Metrics;

namespace StepUp.Server.Metrics;

/// <summary>
/// The <see cref="MeterListener"/> behind <c>/metrics</c>: it listens to the instruments of the
/// meter named <see cref="MeterName"/> created through this host's <see cref="IMeterFactory"/>
/// (several hosts in one process, as in tests, do not see each other's figures), aggregates their
/// measurements in its callbacks, and renders the Prometheus text on demand.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>The one meter StepUp's instruments live on.</summary>
    public const string MeterName = "StepUp";

    private readonly IMeterFactory _meterFactory;
    private readonly MeterListener _listener;
    private readonly Lock _instrumentsLock = new();
    private readonly Dictionary<Instrument, InstrumentAggregator> _aggregators = [];
    private readonly Lock _collectLock = new();

    public MetricsCollector(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meterFactory = meterFactory;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every family as Prometheus text.</summary>
    public string Scrape() => PrometheusText.Write(Collect());

    /// <summary>Reads the observable instruments and returns a snapshot of every family.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        InstrumentAggregator[] aggregators;
        lock (_instrumentsLock)
        {
            aggregators = [.. _aggregators.Values];
        }

        // One collection at a time: observable callbacks write into cells that were just reset.
        lock (_collectLock)
        {
            foreach (var aggregator in aggregators)
            {
                aggregator.ResetObservations();
            }

            _listener.RecordObservableInstruments();
            return [.. aggregators.Select(a => a.Snapshot())];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument.Meter.Name != MeterName || !ReferenceEquals(instrument.Meter.Scope, _meterFactory))
        {
            return;
        }

        var aggregator = new InstrumentAggregator(instrument);
        lock (_instrumentsLock)
        {
            _aggregators[instrument] = aggregator;
        }

        listener.EnableMeasurementEvents(instrument, aggregator);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        lock (_instrumentsLock)
        {
            _aggregators.Remove(instrument);
        }
    }
}
