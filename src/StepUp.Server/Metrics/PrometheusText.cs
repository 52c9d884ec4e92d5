using System.Globalization;
using System.Text;

namespace StepUp.Server.Metrics;

/// <summary>
/// Writes metric families in the Prometheus text exposition format 0.0.4: <c># HELP</c> and
/// <c># TYPE</c> per family, families sorted by name and series by labels (so two scrapes of the
/// same state are byte-identical), label values and help escaped, histograms cumulative.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The content type of the exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The exposition of <paramref name="families"/>.</summary>
    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder(8192);
        foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append("# HELP ").Append(family.Name).Append(' ');
            AppendEscaped(text, family.Help, quote: false);
            text.Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var sample in family.Samples.OrderBy(s => s.Labels, LabelsComparer.Instance))
            {
                if (family.Type == MetricType.Histogram && sample.Histogram is { } histogram)
                {
                    AppendHistogram(text, family.Name, sample.Labels, histogram);
                }
                else
                {
                    AppendSample(text, family.Name, sample.Labels, null, sample.Value);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>A sample value: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void AppendHistogram(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, HistogramValue histogram)
    {
        long cumulative = 0;
        for (var i = 0; i < histogram.Counts.Count; i++)
        {
            cumulative += histogram.Counts[i];
            var le = i < histogram.Bounds.Count ? FormatValue(histogram.Bounds[i]) : "+Inf";
            AppendSample(text, name + "_bucket", labels, le, cumulative);
        }

        AppendSample(text, name + "_sum", labels, null, histogram.Sum);
        AppendSample(text, name + "_count", labels, null, cumulative);
    }

    private static void AppendSample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (label, labelValue) in labels)
            {
                AppendLabel(text, PrometheusNames.Label(label), labelValue, ref first);
            }

            if (le is not null)
            {
                AppendLabel(text, "le", le, ref first);
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    private static void AppendLabel(StringBuilder text, string name, string value, ref bool first)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(name).Append("=\"");
        AppendEscaped(text, value, quote: true);
        text.Append('"');
    }

    // Label values escape backslash, double quote and line feed; help text only backslash and line feed.
    private static void AppendEscaped(StringBuilder text, string value, bool quote)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '"' when quote:
                    text.Append("\\\"");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private sealed class LabelsComparer : IComparer<IReadOnlyList<KeyValuePair<string, string>>>
    {
        public static readonly LabelsComparer Instance = new();

        public int Compare(IReadOnlyList<KeyValuePair<string, string>>? x, IReadOnlyList<KeyValuePair<string, string>>? y)
        {
            x ??= [];
            y ??= [];
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                var byName = string.CompareOrdinal(x[i].Key, y[i].Key);
                if (byName != 0)
                {
                    return byName;
                }

                var byValue = string.CompareOrdinal(x[i].Value, y[i].Value);
                if (byValue != 0)
                {
                    return byValue;
                }
            }

            return x.Count.CompareTo(y.Count);
        }
    }
}
