namespace StepUp.Core.Policy.Simulation;

/// <summary>How a per-subject rate is spread over subjects: mean, nearest-rank percentiles and maximum (each 0 to 1).</summary>
public sealed record RateDistribution(double Mean, double P50, double P90, double P99, double Max)
{
    public static readonly RateDistribution Empty = new(0, 0, 0, 0, 0);

    /// <summary>The distribution of <paramref name="rates"/>; sorts the array in place.</summary>
    public static RateDistribution Of(double[] rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        if (rates.Length == 0)
        {
            return Empty;
        }

        Array.Sort(rates);
        return new RateDistribution(rates.Average(), Rank(rates, 0.50), Rank(rates, 0.90), Rank(rates, 0.99), rates[^1]);
    }

    private static double Rank(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
