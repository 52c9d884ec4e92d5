using System.Diagnostics;

namespace StepUp.Bench.AspNetCore;

/// <summary>Latencies of one variant, in Stopwatch ticks, and their order statistics.</summary>
internal sealed class LatencySample(string name, int capacity)
{
    private readonly List<long> _ticks = new(capacity);

    public string Name { get; } = name;

    public int Count => _ticks.Count;

    public void Add(long ticks) => _ticks.Add(ticks);

    public double PercentileMicros(double p)
    {
        var sorted = _ticks.Order().ToArray();
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return ToMicros(sorted[Math.Clamp(index, 0, sorted.Length - 1)]);
    }

    public double MeanMicros => ToMicros((long)_ticks.Average());

    private static double ToMicros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
