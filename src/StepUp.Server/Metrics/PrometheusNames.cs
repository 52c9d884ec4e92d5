using System.Diagnostics.Metrics;
using System.Text;

namespace StepUp.Server.Metrics;

/// <summary>
/// Maps instrument and tag names to Prometheus names: <c>stepup.audit.commit</c> with unit
/// <c>s</c> becomes <c>stepup_audit_commit_seconds</c>, a counter gains <c>_total</c>, and
/// characters outside <c>[a-zA-Z0-9_]</c> become <c>_</c>.
/// </summary>
internal static class PrometheusNames
{
    /// <summary>The family name of an instrument of the given type.</summary>
    public static string Metric(Instrument instrument, MetricType type) => Metric(instrument.Name, instrument.Unit, type);

    /// <summary>The family name of an instrument name and unit.</summary>
    public static string Metric(string name, string? unit, MetricType type)
    {
        var result = Sanitize(name);
        var suffix = unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => null,
        };
        if (suffix is not null && !result.EndsWith(suffix, StringComparison.Ordinal))
        {
            result += suffix;
        }

        if (type == MetricType.Counter && !result.EndsWith("_total", StringComparison.Ordinal))
        {
            result += "_total";
        }

        return result;
    }

    /// <summary>A label name: <c>device.class</c> becomes <c>device_class</c>.</summary>
    public static string Label(string name) => Sanitize(name);

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return builder.ToString();
    }
}
