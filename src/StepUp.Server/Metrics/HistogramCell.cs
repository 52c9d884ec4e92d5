namespace StepUp.Server.Metrics;

/// <summary>
/// One histogram series: a count per bucket (not cumulative; the last bucket is <c>+Inf</c>) and
/// the sum, updated lock-free. The exposition derives the total count from the buckets, so
/// <c>_count</c> always equals the <c>+Inf</c> bucket.
/// </summary>
internal sealed class HistogramCell(int buckets)
{
    private readonly long[] _counts = new long[buckets];
    private double _sum;

    /// <summary>Adds one observation; <paramref name="bucket"/> is the index of the first bound ≥ the value.</summary>
    public void Record(int bucket, double value)
    {
        Interlocked.Increment(ref _counts[bucket]);
        var current = Volatile.Read(ref _sum);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _sum, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>A copy of the per-bucket counts and the sum.</summary>
    public (long[] Counts, double Sum) Read()
    {
        var counts = new long[_counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _counts[i]);
        }

        return (counts, Volatile.Read(ref _sum));
    }
}
