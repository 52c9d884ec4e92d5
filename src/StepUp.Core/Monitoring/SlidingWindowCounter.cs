namespace StepUp.Core.Monitoring;

/// <summary>
/// Counts events over sliding windows of up to <see cref="Span"/>, at one-minute resolution: a
/// ring of per-minute buckets, 6 bytes each (an hour of one subject's failures is about 450 bytes).
/// A bucket saturates at 65,535 events per minute. A window of N minutes covers the current minute
/// and the N − 1 before it. Thread-safe.
/// </summary>
public sealed class SlidingWindowCounter
{
    private readonly int _buckets;
    private readonly int[] _minutes;
    private readonly ushort[] _counts;

    /// <param name="span">The longest window this counter answers for (whole minutes, at least one).</param>
    public SlidingWindowCounter(TimeSpan span)
    {
        _buckets = (int)Math.Max(1, Minutes(span));
        _minutes = new int[_buckets];
        _counts = new ushort[_buckets];
        Span = TimeSpan.FromMinutes(_buckets);
    }

    /// <summary>The longest window this counter answers for.</summary>
    public TimeSpan Span { get; }

    /// <summary>The minute of the last <see cref="Add"/> (unix minutes), to drop idle counters.</summary>
    public int LastMinute { get; private set; }

    public void Add(DateTimeOffset now, int count = 1)
    {
        var minute = Minute(now);
        var slot = minute % _buckets;
        lock (this)
        {
            if (_minutes[slot] > minute)
            {
                return; // older than the ring: a clock that stepped back must not wipe newer counts
            }

            if (_minutes[slot] != minute)
            {
                _minutes[slot] = minute;
                _counts[slot] = 0;
            }

            _counts[slot] = (ushort)Math.Min(ushort.MaxValue, _counts[slot] + Math.Max(0, count));
            LastMinute = Math.Max(LastMinute, minute);
        }
    }

    /// <summary>Events in the last <paramref name="window"/> (rounded up to whole minutes, at most <see cref="Span"/>).</summary>
    public long Count(DateTimeOffset now, TimeSpan window) => CountBetween(now, TimeSpan.Zero, window);

    /// <summary>
    /// Events from <paramref name="end"/> ago back to <paramref name="start"/> ago (minutes, rounded
    /// up): <c>CountBetween(now, 5m, 65m)</c> is the hour before the last five minutes.
    /// </summary>
    public long CountBetween(DateTimeOffset now, TimeSpan end, TimeSpan start)
    {
        var current = Minute(now);
        var newest = current - (int)Math.Min(Minutes(end), _buckets);
        var oldest = current - (int)Math.Min(Minutes(start), _buckets) + 1;
        long total = 0;
        lock (this)
        {
            for (var minute = Math.Max(0, Math.Max(oldest, current - _buckets + 1)); minute <= newest; minute++)
            {
                var slot = minute % _buckets;
                if (_minutes[slot] == minute)
                {
                    total += _counts[slot];
                }
            }
        }

        return total;
    }

    /// <summary>Unix minutes (an int until the year 6053; times before 1970 count as minute 0).</summary>
    private static int Minute(DateTimeOffset time) => (int)Math.Max(0, time.ToUnixTimeSeconds() / 60);

    private static long Minutes(TimeSpan span) => (long)Math.Ceiling(span.TotalMinutes);
}
