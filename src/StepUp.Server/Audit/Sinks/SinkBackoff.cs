namespace StepUp.Server.Audit.Sinks;

/// <summary>
/// Retry delays of a failing sink: 1 s after the first failure, doubling up to 5 minutes, with
/// "equal jitter" (a random point in the upper half) so sinks that failed together do not retry in step.
/// </summary>
internal static class SinkBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    /// <summary>The ceiling for the given count of consecutive failures (≥ 1).</summary>
    public static TimeSpan Ceiling(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var exponent = Math.Min(failures - 1, 20);
        var ticks = First.Ticks * (1L << exponent);
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks(ticks);
    }

    /// <summary>A delay in [ceiling / 2, ceiling].</summary>
    public static TimeSpan Delay(int failures, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = Ceiling(failures);
        var half = ceiling.Ticks / 2;
        return TimeSpan.FromTicks(half + (long)(random.NextDouble() * (ceiling.Ticks - half)));
    }
}
