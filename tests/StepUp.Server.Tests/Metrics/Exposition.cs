using System.Globalization;

namespace StepUp.Server.Tests.Metrics;

/// <summary>Reads the samples of a Prometheus text exposition: series (name and labels, as written) to value.</summary>
public static class Exposition
{
    public static Dictionary<string, double> Samples(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var value = line[(space + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            samples.Add(line[..space], value);
        }

        return samples;
    }

    /// <summary>The value of a series, 0 when it is absent.</summary>
    public static double Value(this Dictionary<string, double> samples, string series) => samples.GetValueOrDefault(series);
}
